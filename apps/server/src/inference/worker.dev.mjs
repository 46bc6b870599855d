// Development entry of the inference worker: run from the TypeScript sources (tests, `pnpm start`), the
// worker thread registers tsx's loader before importing `worker.ts`. Built, `worker.js` is used directly.
import { register } from 'tsx/esm/api';

register();
export default (await import('./worker.ts')).default;

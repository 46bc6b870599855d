// Child process for the concurrency test: fetches one fake model and prints the outcome as JSON.
import { ModelCatalog, parseModelEntry } from '@pv/models';
import { ensureModelFile } from './index.js';

const [cacheDir, registryUrl, entryJson] = process.argv.slice(2) as [string, string, string];
const catalog = new ModelCatalog([parseModelEntry(JSON.parse(entryJson))]);
try {
  const path = await ensureModelFile(catalog.list()[0]!.id, {
    cacheDir,
    catalog,
    registry: { registry: registryUrl, authTokens: new Map() },
  });
  process.stdout.write(JSON.stringify({ path }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error), code: (error as { code?: string }).code }));
}

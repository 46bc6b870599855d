import path from 'node:path';
import { describeErasure } from '@pv/testkit/process';
import { FileStore } from './file-store.js';

// The file store rewrites the whole file on every change (temporary file, rename): nothing deleted survives.
describeErasure('FileStore', (dir) => FileStore.open(path.join(dir, 'faces.pvstore')));

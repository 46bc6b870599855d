// Run by image-files.test.ts as another user (root reads every folder, so an unreadable folder needs a
// process without root's rights): prints scanImageFiles(<directory>) as JSON.
import { scanImageFiles } from './image-files.js';

process.stdout.write(JSON.stringify(await scanImageFiles(process.argv[2] as string)));

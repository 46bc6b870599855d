// Run by image-files.test.ts without root's capabilities (root reads every folder, so an unreadable folder needs a
// process that lacks them): prints scanImageFiles(<directory>) as JSON.
import { scanImageFiles } from './image-files.js';

process.stdout.write(JSON.stringify(await scanImageFiles(process.argv[2] as string)));

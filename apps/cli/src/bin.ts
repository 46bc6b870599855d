#!/usr/bin/env node
import { runCli } from './cli.js';

// `pv … | head -1`: once the reader is gone, further output is dropped quietly (no EPIPE stack trace) and
// the command ends normally, so stores are closed and their locks released on this path too.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));

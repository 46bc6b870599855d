// A separate writer process for the lock, crash and concurrent-reader tests.
//   hold <file>                                   open as writer, print "ready", keep the lock until stdin closes
//   add-batches <file> <batches> <size> <dim>     add batches one by one, printing "start N" and "done N"
import { FileStore } from './index.js';
import { batchRecord } from './test-support.fixture.js';

const [mode, file, ...rest] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: writer-child.fixture.ts <mode> <file> ...');

if (mode === 'hold') {
  const store = await FileStore.open(file);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void store.close().then(() => process.stdout.write('closed\n'));
  });
} else if (mode === 'add-batches') {
  const [batches, size, dimension] = rest.map(Number) as [number, number, number];
  const store = await FileStore.open(file);
  process.stdout.write('ready\n');
  for (let batch = 0; batch < batches; batch++) {
    process.stdout.write(`start ${batch}\n`);
    await store.add(Array.from({ length: size }, (_, i) => batchRecord(batch, i, dimension)));
    process.stdout.write(`done ${batch}\n`);
  }
  await store.close();
  process.stdout.write('closed\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}

// The child of ts-child.test.ts. Modes:
//   echo <words…>   prints each word on its own line (the last one in two chunks), then "bye" once stdin ends
//   fail            writes "broken" to stderr and exits with code 3 without printing anything
const [mode, ...words] = process.argv.slice(2);

if (mode === 'echo') {
  for (const word of words.slice(0, -1)) process.stdout.write(`${word}\n`);
  const last = words.at(-1) ?? '';
  process.stdout.write(last.slice(0, 1));
  setTimeout(() => process.stdout.write(`${last.slice(1)}\n`), 20);
  process.stdin.resume();
  process.stdin.on('end', () => process.stdout.write('bye\n'));
} else if (mode === 'fail') {
  process.stderr.write('broken\n');
  process.exitCode = 3;
} else {
  throw new Error(`unknown mode ${mode}`);
}

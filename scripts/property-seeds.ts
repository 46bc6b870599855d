// Runs every fast-check property of the repository with `count` consecutive seeds (default 300, from a
// random start): one vitest run of the test files that import fast-check, with PV_FC_SEEDS set, which
// scripts/fast-check-seed.setup.ts turns into one `fc.assert` per seed. A failure names its seed.
//
//   pnpm tsx scripts/property-seeds.ts [count] [first-seed]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const count = Number(process.argv[2] ?? 300);
const first = process.argv[3] === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.argv[3]);
const files = spawnSync('git', ['ls-files', '*.test.ts'], { encoding: 'utf8' })
  .stdout.split('\n')
  .filter((file) => file !== '' && /from 'fast-check'/u.test(readFileSync(file, 'utf8')))
  .sort();
console.log(`${files.length} property test files:\n  ${files.join('\n  ')}\nseeds ${first} .. ${first + count - 1}`);
const started = Date.now();
// 300 seeds take minutes per test: no per-test time limit.
const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--testTimeout=0', ...files], {
  env: { ...process.env, PV_FC_SEEDS: `${first}:${count}` },
  stdio: 'inherit',
});
const seconds = Math.round((Date.now() - started) / 1000);
console.log(run.status === 0 ? `all ${count} seeds passed (${first} .. ${first + count - 1}) in ${seconds} s` : `FAILED (see above) after ${seconds} s`);
process.exit(run.status ?? 1);

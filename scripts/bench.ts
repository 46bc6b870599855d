// `pnpm bench [--quick] [--only NAME[,NAME]]`: runs every package's bench/index.ts in one process, one
// after another (never in parallel, so timings are not disturbed), and writes BENCHMARKS.md.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule } from './bench-types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',').filter(Boolean) : [];
const sharedDir = path.resolve(repoRoot, process.env.PV_SHARED_DIR ?? '../shared');

const candidates: { name: string; file: string }[] = [];
for (const group of ['packages', 'apps', 'models']) {
  const dir = path.join(repoRoot, group);
  if (!existsSync(dir)) continue;
  const names = group === 'models' ? ['.'] : readdirSync(dir);
  for (const name of names) {
    const file = path.join(dir, name, 'bench', 'index.ts');
    if (existsSync(file)) candidates.push({ name: name === '.' ? 'models' : name, file });
  }
}
const selected = candidates.filter((c) => only.length === 0 || only.includes(c.name));
const modules: { name: string; module: BenchModule }[] = [];
for (const c of selected) {
  const loaded = (await import(pathToFileURL(c.file).href)) as { default: BenchModule };
  modules.push({ name: c.name, module: loaded.default });
}
modules.sort((a, b) => (a.module.order ?? 100) - (b.module.order ?? 100) || a.module.title.localeCompare(b.module.title));

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.arch()}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const sections: string[] = [];
for (const { name, module } of modules) {
  process.stderr.write(`\n== ${module.title} (${name})\n`);
  const started = performance.now();
  const body = await module.run({ quick, sharedDir, repoRoot, log: (m) => process.stderr.write(`   ${m}\n`) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const section = `## ${module.title}\n\n${body.trim()}\n\n_Section ran in ${seconds} s._\n`;
  process.stdout.write(`\n${section}`);
  sections.push(section);
}

const header = `# Benchmarks\n\nWritten by \`pnpm bench\`${quick ? ' --quick (smoke sizes: not for publishing)' : ''}; do not edit by hand.\n\n- Machine: ${machine}\n- Date: ${date}\n- Every section below ran in this one process, one after another.\n`;
if (only.length > 0 || quick) {
  const out = path.join(repoRoot, quick ? 'BENCHMARKS.quick.md' : 'BENCHMARKS.partial.md');
  writeFileSync(out, `${header}\n${sections.join('\n')}`);
  process.stderr.write(`\nwrote ${path.relative(repoRoot, out)} (partial run; BENCHMARKS.md is left as it is)\n`);
} else {
  writeFileSync(path.join(repoRoot, 'BENCHMARKS.md'), `${header}\n${sections.join('\n')}`);
  process.stderr.write('\nwrote BENCHMARKS.md\n');
}

// `pnpm bench [--quick] [--only NAME[,NAME]]`: runs every package's bench/index.ts in one process, one
// after another (never in parallel, so timings are not disturbed), and writes BENCHMARKS.md.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
// `--only store-hnsw` runs every section of that package, `--only store-hnsw.2` just that one.
const selected = candidates.filter((c) => only.length === 0 || only.some((o) => o === c.name || o.startsWith(`${c.name}.`)));
const modules: { name: string; module: BenchModule }[] = [];
// Packages whose bench has numbered sections: a section under the bare package name is left over from
// before they were split, and is dropped when that package runs again.
const splitPackages = new Set<string>();
for (const c of selected) {
  // A package's bench/index.ts default-exports one module, or several (sections `<package>.1`, `.2`, …).
  const loaded = (await import(pathToFileURL(c.file).href)) as { default: BenchModule | readonly BenchModule[] };
  const exported = loaded.default;
  const wanted = (name: string): boolean => only.length === 0 || only.includes(name) || only.includes(c.name);
  if (Array.isArray(exported)) {
    splitPackages.add(c.name);
    exported.forEach((module, i) => {
      if (wanted(`${c.name}.${i + 1}`)) modules.push({ name: `${c.name}.${i + 1}`, module });
    });
  } else modules.push({ name: c.name, module: exported as BenchModule });
}
modules.sort((a, b) => (a.module.order ?? 100) - (b.module.order ?? 100) || a.module.title.localeCompare(b.module.title));

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.arch()}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const load = os.loadavg()[0]?.toFixed(1) ?? '?';
const sections = new Map<string, string>();
for (const { name, module } of modules) {
  process.stderr.write(`\n== ${module.title} (${name})\n`);
  const loadBefore = os.loadavg()[0]?.toFixed(1) ?? '?';
  const started = performance.now();
  const body = await module.run({ quick, sharedDir, repoRoot, log: (m) => process.stderr.write(`   ${m}\n`) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const section =
    `<!-- bench:${name} -->\n## ${module.title}\n\n${body.trim()}\n\n` +
    `_Ran ${date} on ${machine}; ${seconds} s; 1-minute load average ${loadBefore} at its start._\n<!-- /bench:${name} -->\n`;
  process.stdout.write(`\n${section}`);
  sections.set(name, section);
}

// A run of some sections (`--only`) replaces just those sections of BENCHMARKS.md and keeps the others,
// each of which still says when and where it ran. Every section is one side-by-side comparison made in
// one process. Quick runs never touch BENCHMARKS.md.
const header = `# Benchmarks\n\nWritten by \`pnpm bench\` (all sections) or \`pnpm bench --only NAME\` (that section); do not edit by hand.\nEach section is one side-by-side comparison run in one process; its footer gives the date, machine and load.\n`;
const target = path.join(repoRoot, quick ? 'BENCHMARKS.quick.md' : 'BENCHMARKS.md');
const previous = !quick && only.length > 0 && existsSync(target) ? readFileSync(target, 'utf8') : '';
const kept = new Map<string, string>();
for (const match of previous.matchAll(/<!-- bench:([\w.-]+) -->\n[\s\S]*?<!-- \/bench:\1 -->\n/g)) {
  kept.set(match[1] as string, match[0]);
}
for (const [name, section] of sections) kept.set(name, section);
for (const name of splitPackages) kept.delete(name);
const order = candidates.map((c) => c.name);
const packageOf = (section: string): string => section.replace(/\.\d+$/, '');
const ordered = [...kept.entries()].sort(([a], [b]) => {
  const ma = modules.find((m) => m.name === a)?.module.order;
  const mb = modules.find((m) => m.name === b)?.module.order;
  return (ma ?? 100) - (mb ?? 100) || order.indexOf(packageOf(a)) - order.indexOf(packageOf(b)) || a.localeCompare(b);
});
writeFileSync(target, `${header}\n${ordered.map(([, s]) => s).join('\n')}`);
process.stderr.write(`\nwrote ${path.relative(repoRoot, target)} (load average at start: ${load})\n`);

// Builds the browser bundle into dist-browser/ (or the folder given as the first argument): pv-web.js, one
// ESM file with this package, the pv packages it uses and onnxruntime-web's wasm-only build, plus the
// onnxruntime-web files that file loads at run time.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(packageDir, 'dist-browser'));
const require = createRequire(import.meta.url);

/** What onnxruntime-web's wasm build loads next to the bundle: the Emscripten glue (also the thread workers' script) and the wasm. */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [path.join(packageDir, 'src', 'browser-bundle.ts')],
  outfile: path.join(outDir, 'pv-web.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  // Workspace packages from their sources; onnxruntime-web's wasm-only build that loads its glue and wasm
  // from files beside the bundle instead of inlining them.
  conditions: ['pv-source', 'onnxruntime-web-use-extern-wasm'],
  alias: { 'onnxruntime-web': 'onnxruntime-web/wasm' },
  logLevel: 'warning',
});
for (const file of ORT_RUNTIME_FILES) await copyFile(require.resolve(`onnxruntime-web/${file}`), path.join(outDir, file));
console.log(`browser bundle written to ${path.relative(process.cwd(), outDir) || '.'}`);

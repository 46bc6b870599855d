import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveModel } from '@pv/embedder-onnx-node';
import { defaultCatalog } from '@pv/models';
import { decodeModel, encodeModel } from '@pv/onnx-writer';
import { compareOutputs } from '../src/agreement.js';
import { collectRanges } from '../src/calibrate.js';
import { openOnNode, recordCalibrationSet } from '../src/node/index.js';
import { upgradeToQdqOpset } from '../src/opset.js';
import { decomposePRelu } from '../src/prelu.js';
import { writeQdq } from '../src/qdq.js';
const lfw = '/work/shared/data/lfw-fold1/images';
const photos = (from: number, count: number) => readdirSync(lfw).sort().slice(from, from + count).map((n) => path.join(lfw, n, readdirSync(path.join(lfw, n)).sort()[0]!));
const { file } = await resolveModel('mobilefacenet', 'embedder');
const float = new Uint8Array(await readFile(file));
const cal = await recordCalibrationSet('mobilefacenet', photos(0, 30), { catalog: defaultCatalog });
const held = await recordCalibrationSet('mobilefacenet', [...photos(100, 12), ...photos(300, 8)], { catalog: defaultCatalog });
const m0 = decodeModel(float); const rep = decomposePRelu(m0, new Set(['input'])); const source = encodeModel(m0);
const t0 = Date.now();
const ranges = await collectRanges(source, cal.inputs, openOnNode());
console.log('ranges s', (Date.now() - t0) / 1000);
const ranks = new Map([...ranges].map(([n, r]) => [n, r.rank]));
const build = (floatNodes: string[]) => { const m = decodeModel(source); upgradeToQdqOpset(m, ranks); const r = writeQdq(m, ranges, { floatNodes }); return { bytes: encodeModel(m), r }; };
const probe = held.inputs;
const base = build([]);
const a0 = await compareOutputs(float, base.bytes, probe, openOnNode());
console.log('none', a0.minCosine.toFixed(4), a0.meanCosine.toFixed(4));
// per PRelu block sensitivity: block = producing conv, its negative twin, slope conv, add
const g = decodeModel(source).graph!;
const prod = new Map(g.node!.flatMap((n) => n.output!.map((o) => [o, n])));
const blocks = rep.decomposed.map((id) => { const add = g.node!.find((n) => n.name === `${id}_add`)!; const pos = prod.get(prod.get(add.input![0])!.input![0])!; return { id, nodes: [pos.name || pos.output![0], `${pos.name || pos.output![0]}_negative`, `${id}_slope`, `${id}_add`] }; });
const kinds: Record<string, string[]> = { adds: blocks.map((b) => b.nodes[3]!), slopes: blocks.map((b) => b.nodes[2]!), lastBlock: blocks.at(-1)!.nodes, last2: blocks.slice(-2).flatMap((b) => b.nodes), first2: blocks.slice(0, 2).flatMap((b) => b.nodes) };
for (const [k, nodes] of Object.entries(kinds)) { const b = build(nodes); const a = await compareOutputs(float, b.bytes, probe, openOnNode()); console.log(k, a.minCosine.toFixed(4), a.meanCosine.toFixed(4)); }
const sens: [string, number][] = [];
for (const b of blocks) { const x = build(b.nodes); const a = await compareOutputs(float, x.bytes, probe.slice(0, 6), openOnNode()); sens.push([b.id, a.meanCosine]); }
sens.sort((x, y) => y[1] - x[1]); console.log('best blocks float (mean cos on 6):', sens.slice(0, 6));
for (const n of [1, 2, 3, 4]) { const nodes = sens.slice(0, n).flatMap(([id]) => blocks.find((b) => b.id === id)!.nodes); const b = build(nodes); const a = await compareOutputs(float, b.bytes, probe, openOnNode()); console.log('top', n, 'blocks float', a.minCosine.toFixed(4), a.meanCosine.toFixed(4)); }

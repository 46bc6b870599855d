import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';

interface ProfileEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly args?: {
    readonly op_name?: string;
    readonly input_type_shape?: readonly Record<string, readonly number[]>[];
    readonly output_type_shape?: readonly Record<string, readonly number[]>[];
  };
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);
const shapeOf = (entry: Record<string, readonly number[]> | undefined): readonly number[] => Object.values(entry ?? {})[0] ?? [];

/**
 * Floating-point operations of one run of an image model, counted from onnxruntime's own profile of a real
 * run (which records every node's input and output shapes): 2 · multiply-adds of every Conv
 * (`outputs · Cin/groups · kh · kw`) and Gemm/MatMul. Element-wise ops (PRelu, Add, …) are left out, as
 * published MAdd counts do. Layout optimisations are disabled so the recorded shapes are the graph's own.
 */
export async function countModelFlops(file: string, input: { name: string; shape: readonly number[] }): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pv-flops-'));
  try {
    const session = await ort.InferenceSession.create(file, {
      graphOptimizationLevel: 'basic',
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'profile'),
      intraOpNumThreads: 1,
    });
    await session.run({ [input.name]: new ort.Tensor('float32', new Float32Array(product(input.shape)), [...input.shape]) });
    await session.release(); // writes the profile
    const [profile] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    if (!profile) throw new Error('onnxruntime wrote no profile');
    const events = JSON.parse(await readFile(path.join(dir, profile), 'utf8')) as ProfileEvent[];
    let flops = 0;
    for (const event of events) {
      if (event.cat !== 'Node' || !event.name?.endsWith('_kernel_time')) continue;
      const op = event.args?.op_name;
      const inputs = event.args?.input_type_shape ?? [];
      const output = shapeOf(event.args?.output_type_shape?.[0]);
      if (op === 'Conv') flops += 2 * product(output) * product(shapeOf(inputs[1]).slice(1));
      if (op === 'Gemm' || op === 'MatMul') flops += 2 * product(output) * (shapeOf(inputs[0]).at(-1) ?? 0);
    }
    return flops;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

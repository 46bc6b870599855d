import ort from 'onnxruntime-node';
import { ModelFormatError } from '@pv/embedder-onnx-node';
import { MTCNN_INPUT_NAME } from './networks/build-onnx.js';
import type { CropOutputs, MtcnnNetworks, ProposalMaps } from './pipeline/networks.js';

/** Crops per R-Net / O-Net run: bounds the memory of one run on photos with thousands of candidates. */
const CROP_BATCH = 256;

function outputOf(outputs: ort.InferenceSession.OnnxValueMapType, name: string, model: string): ort.Tensor {
  const value = outputs[name];
  if (!value) throw new ModelFormatError(`MTCNN ${model} returned no "${name}" output`, { model, output: name });
  return value;
}

/** {@link MtcnnNetworks} over three onnxruntime-node sessions (models built by `buildMtcnnOnnx`). */
export class OnnxMtcnnNetworks implements MtcnnNetworks {
  readonly #pnet: ort.InferenceSession;
  readonly #rnet: ort.InferenceSession;
  readonly #onet: ort.InferenceSession;

  constructor(pnet: ort.InferenceSession, rnet: ort.InferenceSession, onet: ort.InferenceSession) {
    this.#pnet = pnet;
    this.#rnet = rnet;
    this.#onet = onet;
  }

  /** P-Net on one image `[1, 3, height, width]`. */
  async propose(input: Float32Array, height: number, width: number): Promise<ProposalMaps> {
    const outputs = await this.#pnet.run({ [MTCNN_INPUT_NAME]: new ort.Tensor('float32', input, [1, 3, height, width]) });
    const prob = outputOf(outputs, 'prob', 'pnet');
    const [, , rows = 0, columns = 0] = prob.dims;
    return { prob: prob.data as Float32Array, reg: outputOf(outputs, 'reg', 'pnet').data as Float32Array, rows, columns };
  }

  /** R-Net on `[count, 3, 24, 24]`. */
  refine(input: Float32Array, count: number): Promise<CropOutputs> {
    return runInBatches(this.#rnet, 'rnet', input, count, 24, ['prob', 'reg']);
  }

  /** O-Net on `[count, 3, 48, 48]`. */
  output(input: Float32Array, count: number): Promise<CropOutputs> {
    return runInBatches(this.#onet, 'onet', input, count, 48, ['prob', 'reg', 'landmarks']);
  }

  /** Releases the three sessions. */
  async release(): Promise<void> {
    await Promise.all([this.#pnet.release(), this.#rnet.release(), this.#onet.release()]);
  }
}

/** Runs `session` on `count` crops in batches of {@link CROP_BATCH} and joins each output's rows. */
async function runInBatches(
  session: ort.InferenceSession,
  model: string,
  input: Float32Array,
  count: number,
  size: number,
  names: readonly ('prob' | 'reg' | 'landmarks')[],
): Promise<CropOutputs> {
  const perCrop = 3 * size * size;
  const joined = new Map<string, Float32Array>();
  for (let start = 0; start < count; start += CROP_BATCH) {
    const n = Math.min(CROP_BATCH, count - start);
    const batch = input.subarray(start * perCrop, (start + n) * perCrop);
    const outputs = await session.run({ [MTCNN_INPUT_NAME]: new ort.Tensor('float32', batch, [n, 3, size, size]) });
    for (const name of names) {
      const data = outputOf(outputs, name, model).data as Float32Array;
      const width = data.length / n;
      const all = joined.get(name) ?? new Float32Array(count * width);
      all.set(data, start * width);
      joined.set(name, all);
    }
  }
  const prob = joined.get('prob') ?? new Float32Array(0);
  const reg = joined.get('reg') ?? new Float32Array(0);
  const landmarks = joined.get('landmarks');
  return landmarks ? { prob, reg, landmarks } : { prob, reg };
}

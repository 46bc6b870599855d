import type { ConverterInputFile, ModelConverter } from '@pv/models';
import { buildDlibResnetGraph } from './dlib-resnet-graph.js';
import { TfjsWeightsError } from './errors.js';
import { decodeTfjsWeights, parseTfjsWeightsManifest } from './tfjs-weights.js';

// Every runtime pv supports (Node, browsers) has the WHATWG TextDecoder; the package compiles without DOM or
// Node types, so its one use is declared here.
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };

/**
 * Converts face-api's recognition net (`face_recognition_model-weights_manifest.json` and the weight
 * files it names) into the ONNX model of {@link buildDlibResnetGraph}. `files` are the manifest first, then
 * its weight files, each with its path inside the package; the manifest's relative paths are resolved
 * against the manifest's folder. Deterministic: the same files always give the same bytes.
 *
 * This is the `face-api-dlib-resnet` {@link ModelConverter} of the `dlib-resnet` catalog entry. Throws
 * `E_MODEL_FORMAT` when the files are not that network's weights.
 */
export const convertFaceApiRecognitionModel: ModelConverter = (files: readonly ConverterInputFile[]): Uint8Array => {
  const [manifestFile, ...weightFiles] = files;
  if (!manifestFile) throw new TfjsWeightsError('No weights manifest was given');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestFile.bytes));
  } catch (error) {
    throw new TfjsWeightsError(`${manifestFile.path} is not JSON: ${(error as Error).message}`, { path: manifestFile.path });
  }
  const folder = manifestFile.path.includes('/') ? manifestFile.path.slice(0, manifestFile.path.lastIndexOf('/') + 1) : '';
  const byPath = new Map(weightFiles.map((f) => [f.path, f.bytes]));
  const tensors = decodeTfjsWeights(parseTfjsWeightsManifest(json), (path) => byPath.get(folder + path));
  return buildDlibResnetGraph(tensors);
};

import type { DetectorModelEntry, EmbedderModelEntry, LandmarksModelEntry, ModelEntry } from './types.js';

const FACEPLUGIN = {
  kind: 'npm',
  package: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
} as const;

const FACEPLUGIN_LICENCE =
  'Declared MIT by faceplugin-face-recognition-js@0.0.1 (package.json "license": "MIT" and a bundled MIT LICENSE ' +
  'file whose copyright line reads "2021 gitguanqi", not the publisher Faceplugin, so it looks like template text). ' +
  'The package does not say where the weights come from or what data trained them; face-recognition training sets ' +
  'often carry research-only terms. Provenance unverified: check before commercial use.';

const PIXEL_127_128 = { mean: [127, 127, 127], std: [128, 128, 128] } as const;

/** Ultra-Light-Fast-Generic-Face-Detector RFB-320 as shipped by faceplugin. */
export const rfb320: DetectorModelEntry = {
  id: 'rfb320',
  task: 'detector',
  description: 'Ultra-Light RFB-320 face detector (320x240 input, 4420 prior boxes, box decoding inside the graph).',
  format: 'onnx',
  source: {
    ...FACEPLUGIN,
    path: 'model/fr_detect.onnx',
    sha256: '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854',
    size: 1217758,
  },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 240, 320],
      layout: 'NCHW',
      colour: 'rgb',
      normalisation: PIXEL_127_128,
      preparation: 'The whole photo resized to 320x240 without keeping its aspect ratio.',
    },
  ],
  outputs: [
    {
      name: 'scores',
      shape: [1, 4420, 2],
      meaning: 'Per prior box, softmaxed class probabilities; column 1 is "face".',
    },
    {
      name: 'boxes',
      shape: [1, 4420, 4],
      meaning:
        'Per prior box, the box already decoded to corner form (x1, y1, x2, y2) as fractions of the image width ' +
        'and height (0..1). Do not decode against priors again. Needs score thresholding and IoU NMS.',
    },
  ],
  licence: FACEPLUGIN_LICENCE,
};

/** The 68-point landmark regressor shipped by faceplugin. */
export const landmarks68: LandmarksModelEntry = {
  id: 'landmarks68',
  task: 'landmarks',
  description: '68-point facial landmark regressor on a 64x64 gray face crop.',
  format: 'onnx',
  source: {
    ...FACEPLUGIN,
    path: 'model/fr_landmark.onnx',
    sha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258',
    size: 1163742,
  },
  inputs: [
    {
      name: 'input',
      shape: [1, 1, 64, 64],
      layout: 'NCHW',
      colour: 'gray',
      normalisation: { mean: [0], std: [256] },
      preparation:
        'A square crop around the detection box centre with side = the box height, resized to 64x64 and converted ' +
        'to gray.',
    },
  ],
  outputs: [
    {
      name: 'output',
      shape: [1, 136],
      meaning: '68 (x, y) pairs, interleaved, as fractions of the square crop\'s width and height.',
    },
  ],
  licence: FACEPLUGIN_LICENCE,
  pointCount: 68,
  fivePointIndices: [[37, 38, 40, 41], [43, 44, 46, 47], [30], [48, 60], [54, 64]],
};

/** The MobileFaceNet-style embedder shipped by faceplugin. */
export const mobilefacenet: EmbedderModelEntry = {
  id: 'mobilefacenet',
  task: 'embedder',
  description: 'MobileFaceNet-style face embedder (~1.19M parameters), 112x112 ArcFace-aligned RGB crop to 512 values.',
  format: 'onnx',
  source: {
    ...FACEPLUGIN,
    path: 'model/fr_feature.onnx',
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    size: 4884269,
  },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 112, 112],
      layout: 'NCHW',
      colour: 'rgb',
      normalisation: PIXEL_127_128,
      preparation: 'The face aligned onto the ArcFace 112x112 template (see `alignment`); batch fixed at 1 in the graph.',
    },
  ],
  outputs: [
    {
      name: 'output',
      shape: [1, 512],
      meaning: 'The raw embedding; L2-normalise it before comparing.',
    },
  ],
  licence: FACEPLUGIN_LICENCE,
  dimension: 512,
  alignment: {
    kind: 'similarity-5pt',
    width: 112,
    height: 112,
    template: [
      { x: 38.2946, y: 51.6963 },
      { x: 73.5318, y: 51.5014 },
      { x: 56.0252, y: 71.7366 },
      { x: 41.5493, y: 92.3655 },
      { x: 70.7299, y: 92.2041 },
    ],
  },
  recommendedMetric: 'cosine',
  // CALIBRATED on ../shared/data/lfw-fold1 (600 pairs, full pipeline from the raw grayscale photos, 2026-11-29,
  // packages/embedder-onnx-node/src/lfw-gate.test.ts): every cosine distance in [0.7086, 0.7308) gives the same
  // decisions, 99.17% (best single threshold 0.7197); 0.72 sits inside that plateau. On unit vectors the same
  // cut is L2 = sqrt(2 * 0.72) = 1.2 (measured best 1.1997, identical decisions).
  thresholds: [
    { metric: 'cosine', value: 0.72 },
    { metric: 'l2', value: 1.2 },
  ],
  thresholdStatus: 'calibrated',
};

/** Every model pv ships a catalog entry for, in a stable order. */
export const builtInModels: readonly ModelEntry[] = [rfb320, landmarks68, mobilefacenet];

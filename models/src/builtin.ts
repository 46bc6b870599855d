import { FACEPLUGIN, FACEPLUGIN_LICENCE } from './faceplugin.js';
import { analysisModels } from './analysis-models.js';
import type { DetectorModelEntry, EmbedderModelEntry, LandmarksModelEntry, ModelEntry } from './types.js';

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
  // FAR-targeted thresholds: `pnpm bench --only face-models` (packages/face-models/bench), 2026-12-06, from every
  // pair of the 931 lfw-fold1 + celeba-sample faces (451 identities by folder; 1357 same-person, 431 558
  // cross-identity pairs), cosine distance of L2-normalised embeddings, loosest threshold whose FAR on the
  // cross-identity pairs stays within the target (@pv/eval calibrate). The l2 values are the same cuts on unit
  // vectors, sqrt(2 * cosine). At 1e-4 about 43 impostor pairs are accepted: an estimate.
  farThresholds: [
    { metric: 'cosine', far: 0.01, value: 0.753, tar: 0.9727 },
    { metric: 'cosine', far: 0.001, value: 0.6646, tar: 0.9587 },
    { metric: 'cosine', far: 0.0001, value: 0.5926, tar: 0.9381 },
    { metric: 'l2', far: 0.01, value: 1.2272, tar: 0.9727 },
    { metric: 'l2', far: 0.001, value: 1.1529, tar: 0.9587 },
    { metric: 'l2', far: 0.0001, value: 1.0887, tar: 0.9381 },
  ],
  calibratedOn: { dataset: 'lfw-fold1', pairs: 600 },
};

/**
 * dlib's face recognition ResNet (`dlib_face_recognition_resnet_model_v1`) as @vladmandic/face-api ships it
 * (tfjs weights, mostly uint8-quantised), converted to ONNX by `@pv/dlib-resnet` on first use.
 */
export const dlibResnet: EmbedderModelEntry = {
  id: 'dlib-resnet',
  task: 'embedder',
  description:
    "dlib's 29-convolution face ResNet (dlib_face_recognition_resnet_model_v1), 150x150 dlib-aligned RGB crop to a " +
    '128-d descriptor; converted to ONNX from @vladmandic/face-api\'s tfjs weights.',
  format: 'onnx',
  source: {
    kind: 'npm-converted',
    package: '@vladmandic/face-api',
    version: '1.7.15',
    integrity: 'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
    files: [
      {
        path: 'model/face_recognition_model-weights_manifest.json',
        sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
        size: 19615,
      },
      {
        path: 'model/face_recognition_model.bin',
        sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
        size: 6444032,
      },
    ],
    converter: 'face-api-dlib-resnet',
    file: 'dlib-resnet.onnx',
    sha256: '273979a912266949bac46984c04aa1e06bc320cf3e4adfea59acf4027f5c8efb',
    size: 22480184,
  },
  inputs: [
    {
      name: 'input',
      shape: [-1, 3, 150, 150],
      layout: 'NCHW',
      colour: 'rgb',
      // face-api's FaceRecognitionNet: subtract its mean RGB, divide by 255.
      normalisation: { mean: [122.782, 117.001, 104.298], std: [255, 255, 255] },
      preparation: "The face aligned onto dlib's 150x150 face chip (see `alignment`); any batch size.",
    },
  ],
  outputs: [
    {
      name: 'descriptor',
      shape: [-1, 128],
      meaning:
        "The raw descriptor, equal to face-api's computeFaceDescriptor (dlib trained it for Euclidean distance " +
        '0.6 on these raw values); pv L2-normalises it before comparing.',
    },
  ],
  licence:
    'Weights: dlib_face_recognition_resnet_model_v1 by Davis King, released into the public domain (dlib-models ' +
    'README); trained on about 3 million faces from FaceScrub, VGG Face and images scraped from the web, whose own ' +
    'terms are research-oriented. The tfjs port ships in @vladmandic/face-api@1.7.15 under MIT. Check the training ' +
    'data terms before commercial use.',
  dimension: 128,
  alignment: {
    kind: 'similarity-5pt',
    width: 150,
    height: 150,
    // dlib's get_face_chip_details(shape, 150, 0.25) (what dlib's face recognition example uses): dlib's mean
    // face, padded by 0.25, at the five pipeline landmarks; +0.5 px for pv's pixel-centre convention.
    template: [
      { x: 47.9152, y: 46.6947 },
      { x: 101.1101, y: 46.6946 },
      { x: 74.5127, y: 77.0625 },
      { x: 52.7264, y: 103.7512 },
      { x: 96.2989, y: 103.7512 },
    ],
  },
  recommendedMetric: 'l2',
  thresholds: [
    { metric: 'l2', value: 0.4218 },
    { metric: 'cosine', value: 0.089 },
  ],
  thresholdStatus: 'calibrated',
  // FAR-targeted thresholds: `pnpm bench --only face-models` (packages/face-models/bench), 2026-12-06, from every
  // pair of the 931 lfw-fold1 + celeba-sample faces (451 identities by folder; 1357 same-person, 431 558
  // cross-identity pairs), cosine distance of L2-normalised embeddings, loosest threshold whose FAR on the
  // cross-identity pairs stays within the target (@pv/eval calibrate). The l2 values are the same cuts on unit
  // vectors, sqrt(2 * cosine). At 1e-4 about 43 impostor pairs are accepted: an estimate.
  farThresholds: [
    { metric: 'cosine', far: 0.01, value: 0.0895, tar: 0.9595 },
    { metric: 'cosine', far: 0.001, value: 0.0727, tar: 0.885 },
    { metric: 'cosine', far: 0.0001, value: 0.059, tar: 0.717 },
    { metric: 'l2', far: 0.01, value: 0.4231, tar: 0.9595 },
    { metric: 'l2', far: 0.001, value: 0.3813, tar: 0.885 },
    { metric: 'l2', far: 0.0001, value: 0.3435, tar: 0.717 },
  ],
  calibratedOn: { dataset: 'lfw-fold1', pairs: 600 },
};

/** Every model pv ships a catalog entry for, in a stable order. */
export const builtInModels: readonly ModelEntry[] = [rfb320, landmarks68, mobilefacenet, dlibResnet, ...analysisModels];

import { FACEPLUGIN, FACEPLUGIN_LICENCE } from './faceplugin.js';
import type { AnalysisModelEntry, Normalisation } from './types.js';

// Facts below were read from faceplugin-face-recognition-js@0.0.1's lib/fr_*.js (pre- and post-processing)
// and checked against each graph's input and output names and shapes with onnxruntime-node. pv's own code
// implements them (@pv/face-models' FaceAnalyzerModels); where pv deviates from the package, the entry says
// why and what was measured.
//
// Channel order: the package reads a canvas (R, G, B, A) and feeds R, G, B to every model except the pose
// model, which it swaps to B, G, R first. pv feeds B, G, R to all six: on the 124 hand-labelled
// celeba-sample photos that raised gender agreement from 85 to 104 and smile/"happy" agreement from 61 to
// 89, and halved liveness false rejections; the weights look trained on OpenCV (BGR) images. Means and
// standard deviations are listed in tensor channel order.

const LICENCE =
  `${FACEPLUGIN_LICENCE} The analysis models ship in the same package, with no model card, no accuracy figures ` +
  'and no training-data statement; their architectures look like public research models (Silent-Face ' +
  'anti-spoofing, Hopenet, SSR-Net, a FER-2013 classifier), whose own training sets (CelebA-Spoof or a private ' +
  'set, 300W-LP, IMDB-WIKI/MegaAge, FER-2013) are research-only.';

/** ImageNet mean and standard deviation, scaled to 0..255 pixels, in tensor channel order (as the package applies them). */
const IMAGENET: Normalisation = { mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255] };

const SSR_OUTPUTS = [
  ['prob_stage_1', 3],
  ['prob_stage_2', 3],
  ['prob_stage_3', 3],
  ['stage1_delta_k', 1],
  ['stage2_delta_k', 1],
  ['stage3_delta_k', 1],
  ['index_offset_stage1', 3],
  ['index_offset_stage2', 3],
  ['index_offset_stage3', 3],
] as const;

const SSR_MERGE =
  'SSR-Net soft stagewise regression over 3 stages of 3 bins: with p_k the stage probabilities, Δk the ' +
  'delta_k outputs and η_k the index offsets, a = Σ_i (i + η1_i)·p1_i / (3·(1 + Δ1)), b = Σ_i (i + η2_i)·p2_i / ' +
  '(3·(1 + Δ1)) / (3·(1 + Δ2)), c likewise over three stages; result = (a + b + c)·V';

/** Single-frame passive liveness (anti-spoofing). */
export const livenessModel: AnalysisModelEntry = {
  id: 'liveness',
  task: 'analysis',
  analysis: 'liveness',
  description: 'Passive single-frame face anti-spoofing classifier (MiniFASNet-style), 128x128 crop of 2.7x the face box, 3 classes.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_liveness.onnx', sha256: 'afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d', size: 1886811 },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 128, 128],
      layout: 'NCHW',
      colour: 'bgr',
      normalisation: { mean: [0, 0, 0], std: [1, 1, 1] },
      preparation: 'The face box scaled 2.7x around its centre (less when the photo is too small), shifted inside the photo, resized to 128x128; raw 0..255 values.',
    },
  ],
  outputs: [{ name: 'output', shape: [1, 3], meaning: 'Logits of 3 classes; softmax class 0 is "live" (the package reports class 0 as the real-face score), classes 1 and 2 are attack types.' }],
  licence: LICENCE,
  crop: { kind: 'centred-scale', scale: 2.7 },
  postprocessing: 'Softmax over the 3 logits; the liveness score is the probability of class 0.',
  decision: {
    threshold: 0.5,
    chosen: 'The softmax decision point (class 0 more likely than the two attack classes together). No attack photos were available to tune it; the false-reject rate on live lfw-fold1 and celeba-sample faces is in BENCHMARKS.md.',
  },
};

/** Head pose. */
export const poseModel: AnalysisModelEntry = {
  id: 'pose',
  task: 'analysis',
  analysis: 'pose',
  description: 'Hopenet-style head pose estimator (yaw, pitch, roll as 66 bins of 3 degrees each), 224x224 BGR.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_pose.onnx', sha256: '72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d', size: 5811723 },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 224, 224],
      layout: 'NCHW',
      colour: 'bgr',
      normalisation: IMAGENET,
      preparation: 'The face box grown by a quarter of its size on each side (clipped to the photo), resized to 224x224.',
    },
  ],
  outputs: [
    { name: 'output', shape: [1, 66], meaning: 'Yaw logits over 66 bins.' },
    { name: '617', shape: [1, 66], meaning: 'Pitch logits over 66 bins.' },
    { name: '618', shape: [1, 66], meaning: 'Roll logits over 66 bins.' },
  ],
  licence: LICENCE,
  crop: { kind: 'expand', margin: 0.25 },
  postprocessing: 'Per angle: softmax over the 66 bins, expected bin index × 3 − 99 degrees (the package\'s formula, Hopenet\'s).',
};

/** Eye open/closed. */
export const eyesModel: AnalysisModelEntry = {
  id: 'eyes',
  task: 'analysis',
  analysis: 'eyes',
  description: 'Eye open/closed classifier on a 24x24 gray eye crop, run once per eye.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_eye.onnx', sha256: '1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de', size: 207130 },
  inputs: [
    {
      name: 'input',
      shape: [1, 1, 24, 24],
      layout: 'NCHW',
      colour: 'gray',
      normalisation: { mean: [0], std: [255] },
      preparation: 'A square around each eye from the 68-point landmarks (centre: mean of the four eyelid points; side: 1.6x the eye-corner distance), resized to 24x24, gray / 255.',
    },
  ],
  outputs: [{ name: 'output', shape: [1, 2], meaning: 'Logits of [closed, open] (class order checked on lfw-fold1 faces, nearly all with open eyes).' }],
  licence: LICENCE,
  crop: { kind: 'eyes', padding: 1.6 },
  postprocessing: 'Softmax over the 2 logits; the open probability is class 1.',
};

/** Apparent age. */
export const ageModel: AnalysisModelEntry = {
  id: 'age',
  task: 'analysis',
  analysis: 'age',
  description: 'SSR-Net-style age regressor (3 stages of 3 bins), 64x64 BGR crop of 1.4x the face box.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_age.onnx', sha256: '74c9b01700cb9ef96f7190a2230218414ff99d231415c4b091a755780cad5e8a', size: 201280 },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 64, 64],
      layout: 'NCHW',
      colour: 'bgr',
      normalisation: IMAGENET,
      preparation: 'The face box scaled 1.4x around its centre (less when the photo is too small), shifted inside the photo, resized to 64x64.',
    },
  ],
  outputs: SSR_OUTPUTS.map(([name, n]) => ({ name, shape: [1, n], meaning: `SSR-Net stage output ${name}.` })),
  licence: LICENCE,
  crop: { kind: 'centred-scale', scale: 1.4 },
  postprocessing: `${SSR_MERGE} with V = 101: age in years.`,
};

/** Apparent gender. */
export const genderModel: AnalysisModelEntry = {
  id: 'gender',
  task: 'analysis',
  analysis: 'gender',
  description: 'SSR-Net-style gender regressor (same structure as the age model, output near 0..1), 64x64 BGR crop of 1.4x the face box.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_gender.onnx', sha256: 'a003e8392a617ca834c7ca2c01e0895f5c354217fb56cd0373935e6e9b9c396e', size: 343725 },
  inputs: [{ ...ageModel.inputs[0]!, preparation: ageModel.inputs[0]!.preparation }],
  outputs: SSR_OUTPUTS.map(([name, n]) => ({ name, shape: [1, n], meaning: `SSR-Net stage output ${name}.` })),
  licence: LICENCE,
  crop: { kind: 'centred-scale', scale: 1.4 },
  postprocessing: `${SSR_MERGE} with V = 1: a score near 0 (female) to 1 (male); pv says male at ≥ 0.5 with confidence |score − 0.5|·2 mapped to 0.5..1 (direction checked against the hand labels of celeba-sample).`,
  decision: { threshold: 0.5, chosen: 'The middle of the model\'s 0..1 output range.' },
};

/** Facial expression. */
export const expressionModel: AnalysisModelEntry = {
  id: 'expression',
  task: 'analysis',
  analysis: 'expression',
  description: 'Seven-class facial expression classifier (FER-2013 class order), 224x224 BGR.',
  format: 'onnx',
  source: { ...FACEPLUGIN, path: 'model/fr_expression.onnx', sha256: '88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05', size: 28156839 },
  inputs: [
    {
      name: 'input',
      shape: [1, 3, 224, 224],
      layout: 'NCHW',
      colour: 'bgr',
      normalisation: { mean: [0, 0, 0], std: [255, 255, 255] },
      preparation: 'From the face box\'s top-left corner, 1.2x its width and height (clipped to the photo; not centred, as in the package), resized to 224x224, / 255.',
    },
  ],
  outputs: [
    {
      name: 'output',
      shape: [1, 7],
      meaning:
        'Logits of 7 expressions. The package names none; pv assumes the FER-2013 order angry, disgust, fear, happy, sad, surprise, neutral. Only "happy" (index 3, against hand-labelled smiles) and "neutral" (index 6) were checked on celeba-sample.',
    },
  ],
  licence: LICENCE,
  crop: { kind: 'anchored', scale: 1.2 },
  postprocessing: 'Softmax over the 7 logits; the expression is the most likely class.',
};

/** The analysis models, in the order of pv's analysis kinds. */
export const analysisModels: readonly AnalysisModelEntry[] = [livenessModel, poseModel, eyesModel, ageModel, genderModel, expressionModel];

import { InvalidArgumentError } from './errors.js';
import type { FaceDetection, RgbImage } from './image.js';

/**
 * The analyses a {@link FaceAnalyzer} can run on one face, chosen per call:
 * - `liveness`: a single-frame passive anti-spoofing score (see {@link LivenessResult});
 * - `pose`: head yaw, pitch and roll in degrees;
 * - `eyes`: each eye open or closed;
 * - `age`: apparent age in years;
 * - `gender`: apparent gender with a confidence;
 * - `expression`: one of seven facial expressions;
 * - `quality`: measured image quality of the face (size, detector score, sharpness, brightness, contrast).
 */
export type AnalysisKind = 'liveness' | 'pose' | 'eyes' | 'age' | 'gender' | 'expression' | 'quality';

/** Every {@link AnalysisKind}, in a stable order. */
export const ANALYSIS_KINDS: readonly AnalysisKind[] = ['liveness', 'pose', 'eyes', 'age', 'gender', 'expression', 'quality'];

/**
 * The result of a single-frame passive liveness check. What it can and cannot stop: it looks for the
 * texture, moiré and border cues of printed photos and screen replays in one frame. It cannot stop a
 * good 3-D mask, and a high-quality print or replay may pass; attack detection rates are unmeasured in pv
 * (no attack photos were available), only false rejections of live faces were measured.
 */
export interface LivenessResult {
  /** Probability (0–1) that the face is live, from the model's softmax. */
  readonly score: number;
  /** The score at or above which the face counts as live. */
  readonly threshold: number;
  /** `score >= threshold`. */
  readonly live: boolean;
}

/** Head pose in degrees (yaw: turning left/right; pitch: nodding up/down; roll: tilting in the image plane). */
export interface PoseResult {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** One eye. */
export interface EyeState {
  /** Probability (0–1) that the eye is open. */
  readonly openProbability: number;
  /** `openProbability >= 0.5`. */
  readonly open: boolean;
}

/** Both eyes; "left" and "right" are as seen in the image (the image's left), like the five landmarks. */
export interface EyesResult {
  readonly left: EyeState;
  readonly right: EyeState;
  /** True when both eyes are open. */
  readonly bothOpen: boolean;
}

/** Apparent age. */
export interface AgeResult {
  /** Estimated age in years. */
  readonly years: number;
}

/** Apparent gender as the model sees it (a binary classifier; it says nothing about identity). */
export interface GenderResult {
  readonly gender: 'female' | 'male';
  /** Confidence (0.5–1) in {@link GenderResult.gender}. */
  readonly confidence: number;
}

/** The seven expressions, in the model's output order. */
export type Expression = 'angry' | 'disgust' | 'fear' | 'happy' | 'sad' | 'surprise' | 'neutral';

/** Every {@link Expression}, in the expression model's output order. */
export const EXPRESSIONS: readonly Expression[] = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** The most likely expression and every expression's probability. */
export interface ExpressionResult {
  readonly expression: Expression;
  readonly probabilities: Readonly<Record<Expression, number>>;
}

/** Measured image quality of one face. */
export interface FaceQuality {
  /** The face box's shorter side in source-image pixels. */
  readonly faceSize: number;
  /** The detector's score (0–1). */
  readonly detectorScore: number;
  /** Variance of the 4-neighbour Laplacian of the gray 112x112 aligned crop (higher is sharper). */
  readonly sharpness: number;
  /** Mean gray level (0–255) of the aligned crop. */
  readonly brightness: number;
  /** Standard deviation of the gray levels (0–255) of the aligned crop. */
  readonly contrast: number;
}

/** The analyses that were asked for; the others are absent. */
export interface FaceAnalysis {
  readonly liveness?: LivenessResult;
  readonly pose?: PoseResult;
  readonly eyes?: EyesResult;
  readonly age?: AgeResult;
  readonly gender?: GenderResult;
  readonly expression?: ExpressionResult;
  readonly quality?: FaceQuality;
}

/**
 * Runs face analyses on detected faces. Implementations: `createFaceAnalyzer` in `@pv/embedder-onnx-node`
 * (onnxruntime-node) and in `@pv/embedder-onnx-web` (onnxruntime-web), both over the runtime-agnostic
 * `FaceAnalyzerModels` of `@pv/face-models`.
 *
 * Contract: `analyze` returns exactly the requested kinds (an empty list gives `{}`); the detection is in
 * `image`'s pixel coordinates, as a `FaceDetector` returns it; `close` frees every model, later calls fail.
 */
export interface FaceAnalyzer {
  /** The kinds this analyzer can run. */
  readonly kinds: readonly AnalysisKind[];
  analyze(image: RgbImage, detection: FaceDetection, kinds: readonly AnalysisKind[]): Promise<FaceAnalysis>;
  close(): Promise<void>;
}

/**
 * Checks a list of analysis kinds (`E_INVALID_ARGUMENT` naming the unknown one) and removes repeats. A
 * string is read as a comma-separated list (`"liveness, pose"`, as `--analyses` and `?analyses=` take it);
 * blank entries are skipped.
 */
export function parseAnalysisKinds(kinds: readonly string[] | string): AnalysisKind[] {
  const list = typeof kinds === 'string' ? kinds.split(',').map((k) => k.trim()).filter(Boolean) : kinds;
  const out: AnalysisKind[] = [];
  for (const kind of list) {
    if (!(ANALYSIS_KINDS as readonly string[]).includes(kind)) {
      throw new InvalidArgumentError(`Unknown analysis "${kind}"; known: ${ANALYSIS_KINDS.join(', ')}`, { kind, known: [...ANALYSIS_KINDS] });
    }
    if (!out.includes(kind as AnalysisKind)) out.push(kind as AnalysisKind);
  }
  return out;
}

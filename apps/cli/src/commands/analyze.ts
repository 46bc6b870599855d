import { mkdir, stat } from 'node:fs/promises';
import {
  ANALYSIS_KINDS,
  isPvError,
  parseAnalysisKinds,
  parseReviewMode,
  reviewAnalyses,
  reviewFace,
  type AnalysisKind,
  type FaceAnalysis,
  type FaceDetection,
  type FaceReview,
  type ReviewMode,
} from '@pv/core';
import { createFaceAnalyzer, createImageLoader, listImageFiles, Rfb320Detector } from '@pv/embedder-onnx-node';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson } from '../cli-options.js';
import { displayPath } from '../display.js';
import { drawFaceMarks, drawnCopyPath, MARK_COLOURS, type FaceMark } from '../face-drawing.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';

/** Options of `pv analyze`. */
export interface AnalyzeOptions {
  readonly json?: boolean;
  readonly analyses: string;
  readonly review?: string;
  readonly annotate?: string;
}

/** One analysed face as `pv analyze --json` prints it. */
export interface AnalyzedFace {
  readonly file: string;
  readonly face: number;
  readonly box: FaceDetection['box'];
  readonly analysis: FaceAnalysis;
  readonly review?: FaceReview;
}

/** Registers `pv analyze`. */
export function registerAnalyze(program: Command, run: CommandRunner): void {
  const command = program
    .command('analyze')
    .summary('liveness, pose, eyes, age, gender, expression and quality of every face')
    .description(
      'Analyses every face in a photo or a folder of photos: single-frame liveness, head pose, eyes open, apparent age and ' +
        'gender, expression and measured quality (size, detector score, sharpness, brightness, contrast). With --review, ' +
        'also the enrollment review verdict and its reasons. A single-frame liveness check cannot stop good masks or replays.',
    )
    .argument('<image|dir>', 'a photo, or a folder of photos')
    .addOption(new Option('--analyses <list>', `comma-separated: ${ANALYSIS_KINDS.join(',')}`).default(ANALYSIS_KINDS.join(',')))
    .addOption(new Option('--review <mode>', 'also review each face for enrollment: standard or strict'))
    .option('--annotate <dir>', 'write each photo with its faces boxed and labelled into this folder');
  withJson(command);
  withExamples(command, 'pv analyze visitor.jpg', 'pv analyze photos/ --analyses liveness,pose --json', 'pv analyze photos/ --review strict --annotate out/');
  command.action((input: string, options: AnalyzeOptions) => run(options, (output) => analyze(input, options, output)));
}

async function analyze(input: string, options: AnalyzeOptions, output: Output): Promise<ExitStatus> {
  const review: ReviewMode | undefined = options.review === undefined ? undefined : parseReviewMode(options.review);
  const asked = parseAnalysisKinds(options.analyses.split(',').map((k) => k.trim()).filter(Boolean));
  const kinds: AnalysisKind[] = [...new Set([...asked, ...(review ? reviewAnalyses(review) : [])])];
  const files = (await stat(input)).isDirectory() ? (await listImageFiles(input)).map((e) => e.path) : [input];
  if (options.annotate) await mkdir(options.annotate, { recursive: true });
  const loader = createImageLoader();
  const detector = await Rfb320Detector.create();
  const analyzer = await createFaceAnalyzer({ kinds }).catch(async (error: unknown) => {
    await detector.close();
    throw error;
  });
  const faces: AnalyzedFace[] = [];
  const failures: { file: string; code: string; message: string }[] = [];
  try {
    for (const file of files) {
      try {
        const image = await loader.load(file);
        const detections = await detector.detect(image);
        const analysed: AnalyzedFace[] = [];
        for (const [i, detection] of detections.entries()) {
          const analysis = await analyzer.analyze(image, detection, kinds);
          analysed.push({ file, face: i + 1, box: detection.box, analysis, ...(review ? { review: reviewFace(analysis, review) } : {}) });
        }
        faces.push(...analysed);
        for (const f of analysed) output.line(describeFace(f, output));
        if (detections.length === 0) output.line(`${displayPath(file)}: ${output.colour.yellow('no face')}`);
        if (options.annotate) await writeAnnotated(file, analysed, drawnCopyPath(options.annotate, file, '.jpg'));
      } catch (error) {
        if (!isPvError(error)) throw error;
        failures.push({ file, code: error.code, message: error.message });
        output.note(`${displayPath(file)}: ${error.message}`);
      }
    }
  } finally {
    await analyzer.close();
    await detector.close();
  }
  output.result({ faces, failures });
  return failures.length > 0 && faces.length === 0 ? ExitCode.error : ExitCode.ok;
}

/** One face as a human line: the file, the face number and each analysis. */
export function describeFace(f: AnalyzedFace, output: Pick<Output, 'colour'>): string {
  const { colour } = output;
  const parts: string[] = [`${displayPath(f.file)} #${f.face}`, ...analysisParts(f.analysis, output)];
  if (f.review) parts.push(f.review.accepted ? colour.green(`${f.review.mode}: accepted`) : colour.red(`${f.review.mode}: rejected (${f.review.reasons.map((r) => r.message).join('; ')})`));
  return parts.join('  ');
}

/** Each analysis of a face in a few words (`pv analyze`, and `--analyses` of verify and identify). */
export function analysisParts(a: FaceAnalysis, output: Pick<Output, 'colour'>): string[] {
  const { colour } = output;
  const parts: string[] = [];
  if (a.liveness) parts.push(`live ${a.liveness.live ? colour.green('yes') : colour.red('no')} (${a.liveness.score.toFixed(2)})`);
  if (a.pose) parts.push(`yaw ${a.pose.yaw.toFixed(0)}° pitch ${a.pose.pitch.toFixed(0)}° roll ${a.pose.roll.toFixed(0)}°`);
  if (a.eyes) parts.push(`eyes ${a.eyes.bothOpen ? 'open' : colour.yellow('closed')}`);
  if (a.age) parts.push(`age ${a.age.years.toFixed(0)}`);
  if (a.gender) parts.push(`${a.gender.gender} (${a.gender.confidence.toFixed(2)})`);
  if (a.expression) parts.push(a.expression.expression);
  if (a.quality) parts.push(colour.dim(`${a.quality.faceSize.toFixed(0)} px, sharpness ${a.quality.sharpness.toFixed(0)}, brightness ${a.quality.brightness.toFixed(0)}, contrast ${a.quality.contrast.toFixed(0)}`));
  return parts;
}

/** Writes `file` as a JPEG with each face boxed (green accepted or unreviewed, red rejected) and a short label. */
function writeAnnotated(file: string, faces: readonly AnalyzedFace[], target: string): Promise<void> {
  const marks = faces.map((f): FaceMark => {
    const a = f.analysis;
    const caption = [`#${f.face}`, a.liveness ? (a.liveness.live ? 'live' : 'not live') : '', a.age ? `${a.age.years.toFixed(0)}y` : '', a.gender?.gender ?? '', a.expression?.expression ?? '']
      .filter(Boolean)
      .join(' ');
    return { box: f.box, colour: f.review && !f.review.accepted ? MARK_COLOURS.rejected : MARK_COLOURS.known, caption };
  });
  return drawFaceMarks(file, marks, target);
}

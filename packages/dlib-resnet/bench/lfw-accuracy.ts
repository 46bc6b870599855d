// LFW fold-1 accuracy of pv's embedders side by side, full pipeline from the raw grayscale photos.
import path from 'node:path';
import type { FaceRecognizer } from '@pv/core';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import { evaluatePairs, type EvaluationReport } from '@pv/eval';
import { loadLfwDataset } from '@pv/eval/node';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { createDlibResnetRecognizer } from '../src/node/index.js';

interface Contender {
  readonly name: string;
  readonly open: () => Promise<FaceRecognizer>;
}

const contenders: readonly Contender[] = [
  { name: 'mobilefacenet, cosine (default)', open: () => createFaceRecognizer() },
  { name: 'mobilefacenet + flip TTA, cosine', open: () => createFaceRecognizer({ embedder: { flipAugment: true } }) },
  { name: 'dlib-resnet, l2', open: () => createDlibResnetRecognizer() },
];

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

const bench: BenchModule = {
  title: 'LFW fold 1 accuracy, full pipeline (RFB-320 + landmarks + alignment + embedder), side by side',
  order: 40,
  async run(ctx) {
    const lfw = await loadLfwDataset(path.join(ctx.sharedDir, 'data', 'lfw-fold1'));
    const pairs = ctx.quick ? [...lfw.pairs.slice(0, 30), ...lfw.pairs.slice(300, 330)] : lfw.pairs;
    const rows: string[] = [];
    for (const contender of contenders) {
      ctx.log(contender.name);
      const recognizer = await contender.open();
      let report: EvaluationReport;
      try {
        report = await evaluatePairs({
          pairs,
          metric: recognizer.metric,
          folds: 10,
          fixedThreshold: recognizer.threshold,
          fallback: { policy: 'count-as-wrong' },
          embed: async (image) => (await recognizer.embedFaces(lfw.imagePath(image)))[0]?.embedding ?? null,
        });
      } finally {
        await recognizer.close();
      }
      const cv = report.crossValidation;
      const fixed = report.fixedThreshold;
      const tar = report.tarAtFar[0];
      rows.push(
        `| ${contender.name} | ${pct(cv.accuracyMean)} ± ${pct(cv.accuracyStd)} | ${fixed ? `${pct(fixed.accuracy)} at ${fixed.threshold}` : '–'} | ${report.bestThreshold.threshold.toFixed(4)} | ${report.auc.toFixed(4)} | ${pct(report.eer)} | ${tar ? `${pct(tar.tar)} at FAR ${tar.far.toFixed(4)}${tar.belowResolution ? '*' : ''}` : '–'} | ${report.images.detected}/${report.images.total} | ${(1000 / report.timing.imagesPerSecond).toFixed(1)} |`,
      );
    }
    return [
      `${pairs.length} pairs of \`lfw-fold1\` (grayscale copy: lower than published colour-LFW figures), each photo`,
      'decoded, detected, aligned and embedded by the library exactly as a user would; largest face; images without a',
      'face would count as wrong decisions (none occurred where detected = total). 10-fold: each fold\'s threshold is',
      'chosen on the other nine. "Catalog threshold" is the threshold the library uses by default.',
      '',
      '| pipeline | 10-fold accuracy | at catalog threshold | best threshold | ROC AUC | EER | TAR at FAR ≤ 1e-3 | faces found | ms per photo |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      '\\* With 300 different-person pairs the lowest non-zero FAR is 1/300 ≈ 3.3e-3, so FAR ≤ 1e-3 means FAR 0 here.',
    ].join('\n');
  },
};

export default bench;

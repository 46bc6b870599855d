import { readStateDict } from '@pv/torch-checkpoint';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import * as ort from 'onnxruntime-node';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { medianMs } from '../../../scripts/bench-timing.js';
import { buildInceptionResnetV1Onnx } from '../src/inception-resnet-v1/build-onnx.js';
import { syntheticInceptionResnetV1Entries } from '../src/inception-resnet-v1/synthetic-weights.fixture.js';
import { referenceEmbedding, referenceInput } from '../src/reference/forward.fixture.js';
import { alignedFace, toPixelBatch } from '../src/test-images.fixture.js';

const bench: BenchModule = {
  title: 'FaceNet import: checkpoint reading, ONNX conversion, Inception-ResNet-v1 inference',
  order: 60,
  async run({ quick, log }) {
    const runs = quick ? 1 : 5;
    const entries = syntheticInceptionResnetV1Entries({ logitsClasses: 8631 });
    const legacy = writeCheckpoint(entries, { format: 'legacy', layout: 'column-major' });
    const zip = writeCheckpoint(entries, { format: 'zip', layout: 'contiguous' });
    const megabytes = legacy.length / 2 ** 20;
    log(`synthetic checkpoint: ${megabytes.toFixed(0)} MB`);

    const legacyMs = await medianMs(runs, () => readStateDict(legacy));
    const zipMs = await medianMs(runs, () => readStateDict(zip));
    const stateDict = readStateDict(legacy);
    let model: Uint8Array = new Uint8Array(0);
    const convertMs = await medianMs(runs, () => {
      model = buildInceptionResnetV1Onnx(stateDict, { normalization: 'fixed' });
    });
    log('read and converted');

    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const face = await alignedFace('angelina_jolie');
    const batchSize = quick ? 2 : 8;
    const feed = (n: number) => ({ input: new ort.Tensor('float32', toPixelBatch(Array.from({ length: n }, () => face)), [n, 3, 160, 160]) });
    await session.run(feed(1));
    const singleMs = await medianMs(quick ? 2 : 20, () => session.run(feed(1)));
    const batchMs = (await medianMs(quick ? 1 : 5, () => session.run(feed(batchSize)))) / batchSize;
    await session.release();
    log('inference timed');

    const rows = [
      '| step | time | ratio |',
      '| --- | ---: | ---: |',
      `| read legacy checkpoint (${megabytes.toFixed(0)} MB, column-major strides) | ${legacyMs.toFixed(0)} ms (${(megabytes / (legacyMs / 1000)).toFixed(0)} MB/s) | 1.00 |`,
      `| read zip checkpoint (contiguous) | ${zipMs.toFixed(0)} ms (${(megabytes / (zipMs / 1000)).toFixed(0)} MB/s) | ${(zipMs / legacyMs).toFixed(2)} × legacy |`,
      `| convert state dict to ONNX (fold batch norms, encode ${(model.length / 2 ** 20).toFixed(0)} MB) | ${convertMs.toFixed(0)} ms | |`,
      `| onnxruntime-node, 1 thread, batch 1 | ${singleMs.toFixed(1)} ms/face | 1.00 |`,
      `| onnxruntime-node, 1 thread, batch ${batchSize} | ${batchMs.toFixed(1)} ms/face | ${(batchMs / singleMs).toFixed(2)} × batch 1 |`,
    ];
    if (!quick) {
      const referenceMs = await medianMs(1, () => referenceEmbedding(stateDict, referenceInput(face, 'fixed')));
      rows.push(`| naive TypeScript reference forward pass (test oracle) | ${referenceMs.toFixed(0)} ms/face | ${(referenceMs / singleMs).toFixed(0)} × onnxruntime |`);
    }
    return [
      'Synthetic weights in the exact facenet-pytorch layout (23.5 M parameters plus an 8631-class classifier, as in',
      '`20180402-114759-vggface2.pt`); the official files are not available here, sizes and speed are the same.',
      '',
      ...rows,
    ].join('\n');
  },
};

export default bench;

import { describeEmbedder } from '@pv/testkit';
import { OnnxEmbedder } from './onnx-embedder.js';
import { cachedModelOptions } from './test-data.fixture.js';

describeEmbedder('OnnxEmbedder on onnxruntime-web (mobilefacenet)', async () => OnnxEmbedder.create(await cachedModelOptions()));

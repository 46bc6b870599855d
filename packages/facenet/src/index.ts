export { importFacenet, type ImportFacenetOptions, type ImportedFacenetModel } from './import-facenet.js';
export { facenetCatalogEntry, FACENET_LICENCE, type HashedFile } from './catalog-entry.js';
export { VGGFACE2, CASIA_WEBFACE, variantLayout, type FacenetVariant } from './variants.js';
export {
  buildInceptionResnetV1Onnx,
  FACENET_INPUT_NAME,
  FACENET_OUTPUT_NAME,
  type BuildInceptionResnetV1Options,
} from './inception-resnet-v1/build-onnx.js';
export { inceptionResnetV1Layout } from './inception-resnet-v1/layout.js';
export {
  defineInceptionResnetV1,
  INCEPTION_RESNET_V1_BN_EPSILON,
  INCEPTION_RESNET_V1_EMBEDDING_SIZE,
  INCEPTION_RESNET_V1_INPUT_SIZE,
  type InceptionResnetV1Ops,
} from './inception-resnet-v1/architecture.js';
export type { FacenetNormalization } from './inception-resnet-v1/normalization.js';
export { fetchFacenet, ensureFacenetModel, facenetVariant, type FetchFacenetOptions, type FetchedFacenet, type FacenetPretrained } from './fetch-facenet.js';

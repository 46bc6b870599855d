import type { ModelConverter } from '@pv/models';
import { convertFaceApiRecognitionModel } from './convert.js';

/** Catalog id of the model this package builds. */
export const DLIB_RESNET_MODEL_ID = 'dlib-resnet';

/** The converter id the `dlib-resnet` catalog entry names. */
export const FACE_API_DLIB_RESNET_CONVERTER = 'face-api-dlib-resnet';

/**
 * The converters this package provides, by id: pass them as `converters` to `@pv/model-fetch` so that
 * `ensureModelFile('dlib-resnet')` can build the model on first use.
 */
export const dlibResnetConverters: Readonly<Record<string, ModelConverter>> = {
  [FACE_API_DLIB_RESNET_CONVERTER]: convertFaceApiRecognitionModel,
};

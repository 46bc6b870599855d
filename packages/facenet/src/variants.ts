import type { TensorSpec } from '@pv/torch-checkpoint';
import { inceptionResnetV1Layout } from './inception-resnet-v1/layout.js';

/** The pretrained FaceNet models facenet-pytorch publishes. */
export interface FacenetVariant {
  /** pv catalog id. */
  readonly id: 'facenet-vggface2' | 'facenet-casia-webface';
  /** facenet-pytorch's file name. */
  readonly fileName: string;
  /** The original TensorFlow model of David Sandberg's facenet it was converted from. */
  readonly originalModel: string;
  readonly trainingSet: string;
  /** Classes of the file's `logits` classifier (unused for embeddings, checked to catch swapped files). */
  readonly classes: number;
  /** LFW accuracy as published by facenet-pytorch (not measured by pv). */
  readonly publishedLfwAccuracy: number;
}

/** `20180402-114759-vggface2.pt`. */
export const VGGFACE2: FacenetVariant = {
  id: 'facenet-vggface2',
  fileName: '20180402-114759-vggface2.pt',
  originalModel: '20180402-114759',
  trainingSet: 'VGGFace2',
  classes: 8631,
  publishedLfwAccuracy: 0.9965,
};

/** `20180408-102900-casia-webface.pt`. */
export const CASIA_WEBFACE: FacenetVariant = {
  id: 'facenet-casia-webface',
  fileName: '20180408-102900-casia-webface.pt',
  originalModel: '20180408-102900',
  trainingSet: 'CASIA-WebFace',
  classes: 10575,
  publishedLfwAccuracy: 0.9905,
};

/** The state-dict layout of one variant: the network, plus its classifier's class count when present. */
export function variantLayout(variant: FacenetVariant): TensorSpec[] {
  return inceptionResnetV1Layout().map((spec) => {
    if (spec.key === 'logits.weight') return { ...spec, shape: [variant.classes, 512] };
    if (spec.key === 'logits.bias') return { ...spec, shape: [variant.classes] };
    return spec;
  });
}

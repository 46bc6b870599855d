import type { TensorSpec } from '@pv/torch-checkpoint';

function conv(name: string, inChannels: number, outChannels: number, kernel: number): TensorSpec[] {
  return [
    { key: `${name}.weight`, shape: [outChannels, inChannels, kernel, kernel] },
    { key: `${name}.bias`, shape: [outChannels] },
  ];
}

function prelu(name: string, channels: number): TensorSpec[] {
  return [{ key: `${name}.weight`, shape: [channels] }];
}

function dense(name: string, inFeatures: number, outFeatures: number): TensorSpec[] {
  return [
    { key: `${name}.weight`, shape: [outFeatures, inFeatures] },
    { key: `${name}.bias`, shape: [outFeatures] },
  ];
}

/** facenet-pytorch's MTCNN `PNet` state dict (`pnet.pt`), in `state_dict()` order. */
export const PNET_LAYOUT: readonly TensorSpec[] = [
  ...conv('conv1', 3, 10, 3),
  ...prelu('prelu1', 10),
  ...conv('conv2', 10, 16, 3),
  ...prelu('prelu2', 16),
  ...conv('conv3', 16, 32, 3),
  ...prelu('prelu3', 32),
  ...conv('conv4_1', 32, 2, 1),
  ...conv('conv4_2', 32, 4, 1),
];

/** facenet-pytorch's MTCNN `RNet` state dict (`rnet.pt`), in `state_dict()` order. */
export const RNET_LAYOUT: readonly TensorSpec[] = [
  ...conv('conv1', 3, 28, 3),
  ...prelu('prelu1', 28),
  ...conv('conv2', 28, 48, 3),
  ...prelu('prelu2', 48),
  ...conv('conv3', 48, 64, 2),
  ...prelu('prelu3', 64),
  ...dense('dense4', 576, 128),
  ...prelu('prelu4', 128),
  ...dense('dense5_1', 128, 2),
  ...dense('dense5_2', 128, 4),
];

/** facenet-pytorch's MTCNN `ONet` state dict (`onet.pt`), in `state_dict()` order. */
export const ONET_LAYOUT: readonly TensorSpec[] = [
  ...conv('conv1', 3, 32, 3),
  ...prelu('prelu1', 32),
  ...conv('conv2', 32, 64, 3),
  ...prelu('prelu2', 64),
  ...conv('conv3', 64, 64, 3),
  ...prelu('prelu3', 64),
  ...conv('conv4', 64, 128, 2),
  ...prelu('prelu4', 128),
  ...dense('dense5', 1152, 256),
  ...prelu('prelu5', 256),
  ...dense('dense6_1', 256, 2),
  ...dense('dense6_2', 256, 4),
  ...dense('dense6_3', 256, 10),
];

export * from './dlib-resnet-models.js';

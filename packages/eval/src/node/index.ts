export * from './lfw-dataset.js';

export * from './lfw-dataset.js';
export * from './calibration-file.js';

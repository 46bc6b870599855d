export { cosine, createCosineMetric, type CosineMetricOptions } from './cosine.js';

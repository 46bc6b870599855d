export { createL2Metric, l2 } from './l2.js';

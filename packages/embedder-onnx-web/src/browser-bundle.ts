// Entry of the prebuilt browser bundle `dist-browser/pv-web.js`: this package plus what a page needs from
// the packages it builds on, so a page can use pv from that one file.
export * from './index.js';
export { isPvError, MemoryStore, PvError, UNKNOWN_LABEL, type FaceDetection, type EncodedFace, type EncodeResult, type FaceEncoder, type RgbImage } from '@pv/core';
export { cosine } from '@pv/metric-cosine';
export { l2 } from '@pv/metric-l2';
export { defaultCatalog, getModel } from '@pv/models';
export { alignFace } from '@pv/vision';

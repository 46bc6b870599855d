export * from './facenet.js';
export { referenceLabel } from './reference-labels.js';
export { loadEmbeddings, saveEmbeddings, type SavedModel } from './saved-embeddings.js';

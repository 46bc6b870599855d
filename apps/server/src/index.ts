export { startServer, type RunningServer, type StartServerOptions } from './server.js';
export {
  loadServerConfig,
  configFromEnv,
  readConfigFile,
  resolveServerConfig,
  defaultServerConfig,
  type ServerConfig,
  type ServerConfigInput,
  type LogLevel,
} from './config.js';
export { buildApp } from './app.js';
export type { ServerContext, ImageInference, ServedModelInfo, Lifecycle, PageAssets } from './context.js';
export { ApiError, toErrorReply, type ApiErrorCode, type HttpErrorCode, type ErrorBody, type ErrorReply } from './api-error.js';
export { ApiKeyRing, generateApiKey, presentedKey, type KeyCheck } from './api-keys.js';
export { sniffImageFormat, type ImageFormat } from './image-sniff.js';
export { checkImageHeader, type ImageHeader } from './image-check.js';
export { compreFaceApi, type CompreFaceOptions } from './compreface/plugin.js';
export {
  CompreFaceKeyStore,
  DEMO_KEYS,
  SERVICE_TYPES,
  defaultKeyFile,
  hashKey,
  type CompreFaceKeyInfo,
  type ServiceType,
} from './compreface/keys.js';
export { similarityCoefficients, toSimilarity, type SimilarityCoefficients } from './compreface/similarity.js';

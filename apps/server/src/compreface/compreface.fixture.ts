// Shared set-up of the CompreFace tests: a pv data folder of their own (so the key file is theirs), keys
// made with the same key store `pv keys` uses, a server on 127.0.0.1, and a photo without a face.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { startTestServer, tempDir, type TestServer } from '../test-support.fixture.js';
import { CompreFaceKeyStore, defaultKeyFile, type ServiceType } from './keys.js';

/** A running server with a private data folder and a key per service. */
export interface CompreFaceTestServer extends TestServer {
  readonly keys: Readonly<Record<ServiceType, string>>;
  readonly keyStore: CompreFaceKeyStore;
  /** `http://127.0.0.1:<port>/api/v1`. */
  readonly api: string;
  stop(): Promise<void>;
}

/**
 * Starts a server whose pv data folder (`PV_HOME`) is a fresh temporary folder (or `options.home`, kept
 * and reused with its keys), with one key per service, on `options.store` (default `memory:`).
 */
export async function startCompreFaceServer(options: { readonly home?: string; readonly store?: string } = {}): Promise<CompreFaceTestServer> {
  const home = options.home !== undefined ? { dir: options.home, remove: async () => undefined } : await tempDir();
  const previous = process.env['PV_HOME'];
  process.env['PV_HOME'] = home.dir;
  const keyStore = new CompreFaceKeyStore(defaultKeyFile());
  const existing = new Map(keyStore.list().map((k) => [k.service, k]));
  const keyOf = (service: ServiceType): string => (existing.has(service) ? '' : keyStore.create(service).key);
  const keys = { recognition: keyOf('recognition'), detection: keyOf('detection'), verification: keyOf('verification') };
  const served = await startTestServer(options.store !== undefined ? { store: options.store } : {});
  return {
    ...served,
    keys,
    keyStore,
    api: `${served.url}/api/v1`,
    stop: async () => {
      await served.server.close();
      if (previous === undefined) delete process.env['PV_HOME'];
      else process.env['PV_HOME'] = previous;
      await home.remove();
    },
  };
}

/** A 320×240 grey JPEG: no face in it. */
export function facelessJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer();
}

/** A multipart body with the image at `path` (or bytes) under `field`. */
export async function fileForm(source: string | Uint8Array, field = 'file'): Promise<FormData> {
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  const form = new FormData();
  form.append(field, new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
  return form;
}

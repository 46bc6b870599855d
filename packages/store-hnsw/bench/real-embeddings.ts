// Real MobileFaceNet embeddings of the shared photos (LFW fold 1 and the CelebA sample), for benchmarks:
// the largest face of each photo, labelled `<set>/<person>`. Cached in the temporary folder so that the
// benchmarks of one run embed the photos once.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import { FaceLikeVectors, fitFaceLikeModel, type FaceLikeModel, type LabelledVector } from '@pv/testkit';
import type { BenchContext } from '../../../scripts/bench-types.js';
import { ClusteredVectors } from '../src/clustered-vectors.fixture.js';
import { cacheKey, cachedGallery, type CachedGallery } from './gallery-data.js';

const CACHE = path.join(os.tmpdir(), 'pv-bench-cache', 'real-embeddings-v1.json');

/** Embeddings of the shared photos (none when the shared folder is absent). */
export async function realEmbeddings(ctx: BenchContext): Promise<LabelledVector[]> {
  const sources = [path.join(ctx.sharedDir, 'data', 'celeba-sample'), ...(ctx.quick ? [] : [path.join(ctx.sharedDir, 'data', 'lfw-fold1', 'images')])];
  if (!ctx.quick && existsSync(CACHE)) {
    const cached = JSON.parse(await readFile(CACHE, 'utf8')) as { label: string; vector: number[] }[];
    return cached.map((r) => ({ label: r.label, vector: Float32Array.from(r.vector) }));
  }
  const recognizer = await createFaceRecognizer();
  const records: LabelledVector[] = [];
  try {
    for (const directory of sources) {
      if (!existsSync(directory)) continue;
      ctx.log(`embedding the photos of ${directory}`);
      const { embeddings } = await recognizer.generateEmbeddings({ directory, layout: 'subfolders' });
      for (const e of embeddings) records.push({ label: `${path.basename(directory)}/${e.label}`, vector: e.embedding });
    }
  } finally {
    await recognizer.close();
  }
  if (!ctx.quick && records.length > 0) {
    await mkdir(path.dirname(CACHE), { recursive: true });
    await writeFile(CACHE, JSON.stringify(records.map((r) => ({ label: r.label, vector: Array.from(r.vector) }))));
  }
  return records;
}

/** The realistic generator: a {@link FaceLikeModel} fitted to {@link realEmbeddings}. */
export async function realisticModel(ctx: BenchContext): Promise<{ model: FaceLikeModel; real: LabelledVector[] }> {
  const real = await realEmbeddings(ctx);
  return { model: fitFaceLikeModel(real), real };
}

/** A realistic gallery of `size` vectors, `photosPerIdentity` photos of each identity. */
export function realisticVectors(model: FaceLikeModel, size: number, photosPerIdentity = 10, seed = 7): FaceLikeVectors {
  return new FaceLikeVectors({ model, identities: Math.max(1, Math.round(size / photosPerIdentity)), seed });
}

/**
 * A realistic gallery of `size` vectors (10 photos per identity) and `queries` queries, from the on-disk
 * cache when the same model, size and seed were generated before (see {@link cachedGallery}).
 */
export function realisticGallery(ctx: BenchContext, model: FaceLikeModel, size: number, queries: number, seed = 7): CachedGallery {
  const { mean, between, within, ...scalars } = model;
  const description = { generator: 'FaceLikeVectors', version: 1, photosPerIdentity: 10, seed, model: scalars };
  const key = `realistic-${cacheKey(description, [mean, between, within])}`;
  return cachedGallery(key, description, () => realisticVectors(model, size, 10, seed), size, model.dimension, queries, ctx.log);
}

/** The isotropic worst case (random identity centres, 10 photos each, noise 0.05), cached like {@link realisticGallery}. */
export function isotropicGallery(ctx: BenchContext, size: number, dimension: number, queries: number, seed = 7): CachedGallery {
  const options = { dimension, clusters: Math.max(1, size / 10), noise: 0.05, seed };
  const description = { generator: 'ClusteredVectors', version: 1, ...options };
  return cachedGallery(`isotropic-${cacheKey(description)}`, description, () => new ClusteredVectors(options), size, dimension, queries, ctx.log);
}

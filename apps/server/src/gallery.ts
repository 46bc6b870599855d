import { NotFoundError, UNKNOWN_LABEL, isCloser, withinThreshold, type Candidate, type Metric, type Store } from '@pv/core';

/** The enrolled faces and how they are compared: a store, the metric and the decision threshold. */
export interface Gallery {
  readonly store: Store;
  readonly metric: Metric;
  readonly threshold: number;
}

/** Who a face is, as far as the gallery knows. */
export interface Identification {
  /** Distinct labels, most similar first, at most `k`. */
  readonly candidates: Candidate[];
  /** The best candidate's label when within the threshold, else `"unknown"`. */
  readonly prediction: string;
}

/**
 * The `k` nearest distinct labels of an embedding. People have several embeddings each, so it over-fetches
 * and fetches more while one person's embeddings crowd the others out.
 */
export async function identifyEmbedding(gallery: Gallery, embedding: Float32Array, k: number): Promise<Identification> {
  const candidates: Candidate[] = [];
  if (k > 0) {
    for (let fetch = Math.max(k * 8, 32); ; fetch *= 2) {
      const hits = await gallery.store.search(embedding, { k: fetch, metric: gallery.metric });
      candidates.length = 0;
      const seen = new Set<string>();
      for (const hit of hits) {
        if (candidates.length >= k) break;
        if (seen.has(hit.record.label)) continue;
        seen.add(hit.record.label);
        candidates.push({ label: hit.record.label, distance: hit.distance });
      }
      if (candidates.length >= k || hits.length < fetch) break;
    }
  }
  const best = candidates[0];
  const prediction = best && withinThreshold(gallery.metric, best.distance, gallery.threshold) ? best.label : UNKNOWN_LABEL;
  return { candidates, prediction };
}

/** Does an embedding belong to `label`? (The reference's `compare_embeddings()`.) */
export interface Verification {
  /** True when the label's nearest embedding is within the threshold. */
  readonly match: boolean;
  /** The nearest label overall, or `"unknown"` when even that one is beyond the threshold. */
  readonly prediction: string;
  /** Distance to the label's nearest embedding. */
  readonly distance: number;
  /** Distance to the nearest embedding overall. */
  readonly nearestDistance: number;
}

/** Verifies an embedding against a label; `E_NOT_FOUND` when nothing is enrolled for it. */
export async function verifyEmbedding(gallery: Gallery, embedding: Float32Array, label: string): Promise<Verification> {
  const [own] = await gallery.store.search(embedding, { k: 1, metric: gallery.metric, label });
  if (!own) throw new NotFoundError(`No faces are enrolled for "${label}"`, { label });
  const [nearest] = await gallery.store.search(embedding, { k: 1, metric: gallery.metric });
  const best = nearest && isCloser(gallery.metric, nearest.distance, own.distance) ? nearest : own;
  return {
    match: withinThreshold(gallery.metric, own.distance, gallery.threshold),
    prediction: withinThreshold(gallery.metric, best.distance, gallery.threshold) ? best.record.label : UNKNOWN_LABEL,
    distance: own.distance,
    nearestDistance: best.distance,
  };
}

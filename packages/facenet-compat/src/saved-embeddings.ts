import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LabelledEmbedding } from '@pv/core';
import { FileStore } from '@pv/store-file';

/** What a saved file records about the model, so pv's stores and CLI refuse other models' queries. */
export interface SavedModel {
  readonly modelId: string;
  readonly dimension: number;
}

/**
 * Writes `embeddings` as a pv file store at `file`, replacing what was there, as the reference's pickle dump
 * does: the file holds exactly this call's embeddings. The store is built beside the target and renamed over
 * it, so a reader sees the old file or the new one. `pv identify --store file:<file>` and `FileStore.open`
 * read it.
 */
export async function saveEmbeddings(file: string, embeddings: readonly LabelledEmbedding[], model: SavedModel): Promise<void> {
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}-${randomBytes(6).toString('hex')}.new`;
  try {
    const store = await FileStore.open(temp, { modelId: model.modelId, dimension: model.dimension });
    try {
      await store.add(
        embeddings.map((e) => ({ label: e.label, vector: e.embedding, modelId: model.modelId, ...(e.file !== undefined ? { source: { file: e.file } } : {}) })),
      );
    } finally {
      await store.close();
    }
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The labelled embeddings of a pv file store (one saved by {@link saveEmbeddings}, or any other), read-only. */
export async function loadEmbeddings(file: string): Promise<LabelledEmbedding[]> {
  const store = await FileStore.open(file, { readOnly: true });
  try {
    const out: LabelledEmbedding[] = [];
    for await (const record of store.records()) out.push({ label: record.label, embedding: record.vector });
    return out;
  } finally {
    await store.close();
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Box, FileFailure, Metric } from '@pv/core';
import { clusterEmbeddings, clusterQuality, type ClusterQuality } from '@pv/cluster';
import { contactSheetHtml, faceThumbnail, type SheetCluster } from './contact-sheet.js';
import type { FaceFileSource, FileEmbeddings } from './face-files.js';
import { jsonReplacer } from './output.js';
import type { Progress } from './progress.js';

/** One face in a cluster. */
export interface ClusteredFace {
  readonly file: string;
  readonly box: Box;
  /** Detector confidence. */
  readonly score: number;
}

/** One group of faces, presumably one person. */
export interface FaceCluster {
  /** `person-1` is the largest cluster. */
  readonly name: string;
  readonly faces: readonly ClusteredFace[];
}

/** What {@link clusterPhotos} found and wrote. */
export interface PhotoClustering {
  readonly model: string;
  readonly metric: string;
  readonly threshold: number;
  readonly photos: number;
  readonly faces: number;
  readonly clusters: readonly FaceCluster[];
  readonly failures: readonly FileFailure[];
  /** Purity against the photos' subfolder names, when asked for. */
  readonly quality?: ClusterQuality;
  /** True when Ctrl-C stopped the detection early (the clustering covers the photos done). */
  readonly interrupted: boolean;
  readonly files: { readonly json: string; readonly html: string };
}

/** Options of {@link clusterPhotos}. */
export interface ClusterPhotosOptions {
  readonly files: readonly string[];
  readonly source: FaceFileSource;
  readonly metric: Metric;
  readonly threshold: number;
  /** The folder the JSON and the contact sheet go to (created when missing). */
  readonly outDir: string;
  /** Title of the contact sheet. */
  readonly title: string;
  /** The known person of each file (for purity), when there is one. */
  readonly truth?: (file: string) => string;
  readonly progress: Progress;
  /** Called for every photo that yields no face (with the reason). */
  readonly onFailure: (failure: FileFailure) => void;
  readonly signal: AbortSignal;
}

/**
 * Detects and embeds every face of `files`, groups the faces by person with `@pv/cluster` (average
 * linkage cut at `threshold`), and writes `clusters.json` and `contact-sheet.html` (face thumbnails per
 * cluster, self-contained) into `outDir`.
 */
export async function clusterPhotos(options: ClusterPhotosOptions): Promise<PhotoClustering> {
  const { progress } = options;
  const results = new Map<string, FileEmbeddings>();
  const failures: FileFailure[] = [];
  progress.start(options.files.length, 'detect');
  try {
    await options.source.embedFiles(
      options.files,
      (result) => {
        results.set(result.file, result);
        if (!result.ok) {
          failures.push(result.failure);
          options.onFailure(result.failure);
        }
        progress.update(results.size, path.basename(result.file));
      },
      options.signal,
    );
  } finally {
    progress.stop();
  }
  // Input order, whatever order the workers finished in: the same photos always give the same clusters.
  const faces: (ClusteredFace & { readonly embedding: Float32Array; readonly truth?: string })[] = [];
  for (const file of options.files) {
    const result = results.get(file);
    if (!result?.ok) continue;
    for (const face of result.faces) {
      faces.push({
        file,
        box: face.detection.box,
        score: face.detection.score,
        embedding: face.embedding,
        ...(options.truth ? { truth: options.truth(file) } : {}),
      });
    }
  }
  // Two faces of one photo are two people: keep them apart (cannot-link by photo).
  const photoIndex = new Map(options.files.map((file, i) => [file, i]));
  const { clusters: members, assignments } = clusterEmbeddings(
    faces.map((f) => f.embedding),
    { metric: options.metric, threshold: options.threshold, apart: faces.map((f) => photoIndex.get(f.file) ?? -1) },
  );
  const clusters: FaceCluster[] = members.map((indices, i) => ({
    name: `person-${i + 1}`,
    faces: indices.map((index) => {
      const { file, box, score } = faces[index] as ClusteredFace;
      return { file, box, score };
    }),
  }));
  const quality = options.truth ? clusterQuality(assignments, faces.map((f) => f.truth as string)) : undefined;
  await mkdir(options.outDir, { recursive: true });
  const files = { json: path.join(options.outDir, 'clusters.json'), html: path.join(options.outDir, 'contact-sheet.html') };
  const clustering: PhotoClustering = {
    model: options.source.modelId,
    metric: options.metric.id,
    threshold: options.threshold,
    photos: options.files.length,
    faces: faces.length,
    clusters,
    failures,
    ...(quality ? { quality } : {}),
    interrupted: options.signal.aborted,
    files,
  };
  await writeFile(files.json, `${JSON.stringify(clustering, jsonReplacer, 2)}\n`);
  progress.start(faces.length, 'thumbnails');
  let done = 0;
  const sheet: SheetCluster[] = [];
  for (const cluster of clusters) {
    const withThumbnails: SheetCluster['faces'][number][] = [];
    for (const face of cluster.faces) {
      withThumbnails.push({ ...face, thumbnail: await faceThumbnail(face) });
      progress.update(++done, path.basename(face.file));
    }
    sheet.push({ name: cluster.name, faces: withThumbnails });
  }
  progress.stop();
  await writeFile(files.html, contactSheetHtml(options.title, sheet));
  return clustering;
}

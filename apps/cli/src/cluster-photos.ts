import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { faceFilterVerdict, type Box, type FaceDetection, type FaceFilter, type FileFailure, type Metric } from '@pv/core';
import { clusterEmbeddings, clusterQuality, type ClusterQuality } from '@pv/cluster';
import { contactSheetHtml, faceCrop, faceThumbnail, sheetLink, type SheetCluster } from './contact-sheet.js';
import { clusterColour, drawFaceMarks, MARK_COLOURS, type FaceMark } from './face-drawing.js';
import type { FaceFileSource, FileEmbeddings } from './face-files.js';
import { formatDistance, jsonReplacer } from './output.js';
import type { Progress } from './progress.js';

/** One face in a cluster. */
export interface ClusteredFace {
  readonly file: string;
  readonly box: Box;
  /** Detector confidence. */
  readonly score: number;
  /** Mean distance to the other faces of its cluster (average linkage's own measure); `null` for a single face. */
  readonly distance: number | null;
}

/** One group of faces, presumably one person. */
export interface FaceCluster {
  /** `person-1` is the largest cluster. */
  readonly name: string;
  /** The colour of its boxes on the annotated photos and of its row on the contact sheet (`#rrggbb`). */
  readonly colour: string;
  readonly faces: readonly ClusteredFace[];
}

/** Faces a {@link FaceFilter} dropped before clustering, by reason. */
export interface DroppedFaces {
  /** Shorter box side under `minFaceSize`. */
  readonly tooSmall: number;
  /** Detector score under `minScore`. */
  readonly lowScore: number;
}

/** What {@link clusterPhotos} found and wrote. */
export interface PhotoClustering {
  readonly model: string;
  readonly metric: string;
  readonly threshold: number;
  readonly photos: number;
  readonly faces: number;
  /** The limits faces were filtered with (empty: every face kept). */
  readonly filter: FaceFilter;
  readonly dropped: DroppedFaces;
  readonly clusters: readonly FaceCluster[];
  readonly failures: readonly FileFailure[];
  /** Purity against the photos' subfolder names, when asked for. */
  readonly quality?: ClusterQuality;
  /** True when Ctrl-C stopped the detection early (the clustering covers the photos done). */
  readonly interrupted: boolean;
  readonly files: {
    readonly json: string;
    readonly html: string;
    /** The folder of annotated copies of the photos, when asked for. */
    readonly photos?: string;
    /** The folder of face crops, one subfolder per cluster with several faces, when asked for. */
    readonly people?: string;
  };
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
  /** Drops faces before clustering (likely detector false positives); counted in `dropped`. */
  readonly filter?: FaceFilter;
  /**
   * Writes a JPEG copy of every photo with a face into this folder, each face boxed in its cluster's colour
   * with the cluster's name and mean distance (dropped faces gray); the contact sheet links to these copies.
   */
  readonly annotateDir?: string;
  /** Writes a crop of every face of each cluster with several faces into `<peopleDir>/<cluster name>/`. */
  readonly peopleDir?: string;
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
  const filter = options.filter ?? {};
  const faces: (Omit<ClusteredFace, 'distance'> & { readonly embedding: Float32Array; readonly truth?: string })[] = [];
  const droppedFaces: { readonly file: string; readonly detection: FaceDetection; readonly reason: string }[] = [];
  for (const file of options.files) {
    const result = results.get(file);
    if (!result?.ok) continue;
    for (const face of result.faces) {
      const verdict = faceFilterVerdict(face.detection, filter);
      if (verdict !== undefined) {
        droppedFaces.push({ file, detection: face.detection, reason: verdict });
        continue;
      }
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
  let multiples = 0;
  const clusters: FaceCluster[] = members.map((indices, i) => ({
    name: `person-${i + 1}`,
    colour: indices.length > 1 ? clusterColour(multiples++) : MARK_COLOURS.other,
    faces: indices.map((index) => {
      const { file, box, score, embedding } = faces[index] as (typeof faces)[number];
      const others = indices.filter((j) => j !== index).map((j) => options.metric.distance(embedding, (faces[j] as (typeof faces)[number]).embedding));
      return { file, box, score, distance: others.length === 0 ? null : others.reduce((a, b) => a + b, 0) / others.length };
    }),
  }));
  const dropped: DroppedFaces = {
    tooSmall: droppedFaces.filter((d) => d.reason === 'too-small').length,
    lowScore: droppedFaces.filter((d) => d.reason === 'low-score').length,
  };
  const quality = options.truth ? clusterQuality(assignments, faces.map((f) => f.truth as string)) : undefined;
  await mkdir(options.outDir, { recursive: true });
  const files = {
    json: path.join(options.outDir, 'clusters.json'),
    html: path.join(options.outDir, 'contact-sheet.html'),
    ...(options.annotateDir !== undefined ? { photos: options.annotateDir } : {}),
    ...(options.peopleDir !== undefined ? { people: options.peopleDir } : {}),
  };
  const clustering: PhotoClustering = {
    model: options.source.modelId,
    metric: options.metric.id,
    threshold: options.threshold,
    photos: options.files.length,
    faces: faces.length,
    filter,
    dropped,
    clusters,
    failures,
    ...(quality ? { quality } : {}),
    interrupted: options.signal.aborted,
    files,
  };
  await writeFile(files.json, `${JSON.stringify(clustering, jsonReplacer, 2)}\n`);
  // Annotated copies: one per photo with a face (kept or dropped), named after the photo (made unique).
  const copies = new Map<string, string>();
  if (options.annotateDir !== undefined) {
    const marks = new Map<string, FaceMark[]>();
    const markOf = (file: string): FaceMark[] => marks.get(file) ?? (marks.set(file, []), marks.get(file) as FaceMark[]);
    for (const c of clusters) {
      for (const f of c.faces) markOf(f.file).push({ box: f.box, colour: c.colour, caption: f.distance === null ? c.name : `${c.name} ${formatDistance(f.distance)}` });
    }
    for (const d of droppedFaces) markOf(d.file).push({ box: d.detection.box, colour: MARK_COLOURS.other, caption: `dropped: ${d.reason}` });
    await mkdir(options.annotateDir, { recursive: true });
    const used = new Set<string>();
    progress.start(marks.size, 'annotate');
    for (const file of options.files) {
      const fileMarks = marks.get(file);
      if (!fileMarks) continue;
      const stem = path.parse(file).name;
      let name = `${stem}.jpg`;
      for (let n = 2; used.has(name); n++) name = `${stem}-${n}.jpg`;
      used.add(name);
      const target = path.join(options.annotateDir, name);
      await drawFaceMarks(file, fileMarks, target);
      copies.set(file, target);
      progress.update(copies.size, name);
    }
    progress.stop();
  }
  if (options.peopleDir !== undefined) {
    for (const c of clusters.filter((x) => x.faces.length > 1)) {
      const dir = path.join(options.peopleDir, c.name);
      await mkdir(dir, { recursive: true });
      for (const [i, f] of c.faces.entries()) await writeFaceCrop(f, path.join(dir, `${path.parse(f.file).name}-${i + 1}.jpg`));
    }
  }
  progress.start(faces.length, 'thumbnails');
  let done = 0;
  const sheet: SheetCluster[] = [];
  for (const cluster of clusters) {
    const withThumbnails: SheetCluster['faces'][number][] = [];
    for (const face of cluster.faces) {
      withThumbnails.push({
        ...face,
        thumbnail: await faceThumbnail(face),
        href: sheetLink(options.outDir, copies.get(face.file) ?? face.file),
        caption: path.basename(face.file),
      });
      progress.update(++done, path.basename(face.file));
    }
    sheet.push({ name: cluster.name, colour: cluster.colour, faces: withThumbnails });
  }
  progress.stop();
  await writeFile(files.html, contactSheetHtml(options.title, sheet, { summary: sheetSummary(clustering) }));
  return clustering;
}

/** A face crop with generous context (60% of the box on every side), so a detector finds the face again. */
async function writeFaceCrop(face: ClusteredFace, target: string): Promise<void> {
  await (await faceCrop(face, 0.6)).jpeg({ quality: 90 }).toFile(target);
}

/** The contact sheet's line under the title: faces, photos, people seen more than once, and what was dropped. */
function sheetSummary(c: PhotoClustering): string {
  const several = c.clusters.filter((x) => x.faces.length > 1).length;
  const dropped = c.dropped.tooSmall + c.dropped.lowScore;
  return (
    `${c.faces} faces in ${c.photos} photos: ${several} people seen more than once, ${c.clusters.length - several} single faces ` +
    `(${c.model}, ${c.metric} threshold ${formatDistance(c.threshold)})` +
    (dropped > 0 ? `; ${droppedText(c)}` : '') +
    '.'
  );
}

/** "dropped 3 faces: 2 under 40 px, 1 scoring under 0.8" (empty when none were dropped). */
export function droppedText(c: Pick<PhotoClustering, 'dropped' | 'filter'>): string {
  const { tooSmall, lowScore } = c.dropped;
  const total = tooSmall + lowScore;
  if (total === 0) return '';
  const parts = [
    ...(tooSmall > 0 ? [`${tooSmall} under ${c.filter.minFaceSize} px`] : []),
    ...(lowScore > 0 ? [`${lowScore} scoring under ${c.filter.minScore}`] : []),
  ];
  return `dropped ${total} face${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

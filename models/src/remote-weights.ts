/**
 * Weights pv downloads from outside the npm registry, only when the user asks for them by id (`pv models
 * fetch <id>`, `fetchFacenet`, `fetchMtcnn`). They are not catalog entries themselves: once downloaded they are
 * converted by an importer (`@pv/facenet`, `@pv/mtcnn`) into local catalog entries that record the URL and
 * hash of what was downloaded in `source.convertedFrom`.
 */

/** One downloadable file. */
export interface RemoteWeightsFile {
  /** The file name, as published (also its name in the download cache). */
  readonly name: string;
  /**
   * The file's path under the base URL ({@link DEFAULT_WEIGHTS_BASE_URL}, or a mirror that copies the same
   * paths), e.g. `timesler/facenet-pytorch/releases/download/v2.2.9/20180402-114759-vggface2.pt`.
   */
  readonly path: string;
  /** The pinned SHA-256 (lowercase hex), when a trustworthy one is known; else the first download is trusted and recorded. */
  readonly sha256?: string;
  /** The exact size in bytes, when pinned. */
  readonly size?: number;
  /** The largest size accepted when no exact size is pinned (a guard against filling the disk). */
  readonly maxSize: number;
}

/** A set of files fetched together under one id. */
export interface RemoteWeights {
  /** The id the user fetches: `facenet-vggface2`, `facenet-casia-webface` or `mtcnn`. */
  readonly id: string;
  /** What it is, for people. */
  readonly description: string;
  /** The files, in the order the importer takes them. */
  readonly files: readonly RemoteWeightsFile[];
  /** Where the files come from, for people (the project and release or commit). */
  readonly origin: string;
  /** The terms of use of the weights and of the data they were trained on, printed at fetch time. */
  readonly terms: string;
  /** The command that imports files the user downloaded by hand (for machines that cannot reach the base URL). */
  readonly manualImport: string;
}

/** Where the published paths live: GitHub. A mirror base URL replaces it (`PV_WEIGHTS_MIRROR`, `--mirror`). */
export const DEFAULT_WEIGHTS_BASE_URL = 'https://github.com/';

const FACENET_RELEASE = 'timesler/facenet-pytorch/releases/download/v2.2.9/';
/** The facenet-pytorch commit whose `data/` folder holds the MTCNN weights pv pins. */
export const MTCNN_WEIGHTS_COMMIT = '787da06156087cd6b616fe6608213722bddc30cd';
const MTCNN_DATA = `timesler/facenet-pytorch/raw/${MTCNN_WEIGHTS_COMMIT}/data/`;

const FACENET_TERMS = (trainingSet: string): string =>
  `Weights: David Sandberg's facenet models (MIT licence), converted to PyTorch by facenet-pytorch (Tim Esler, MIT ` +
  `licence). Training data: ${trainingSet}, released for non-commercial research use only; whether its terms bind ` +
  `models trained on it is unsettled. Use these weights for research; check before any commercial use.`;

/** The FaceNet and MTCNN weights facenet-pytorch publishes on GitHub. */
export const REMOTE_WEIGHTS: readonly RemoteWeights[] = [
  {
    id: 'facenet-vggface2',
    description: 'FaceNet Inception-ResNet-v1 (20180402-114759) trained on VGGFace2, as published by facenet-pytorch.',
    files: [{ name: '20180402-114759-vggface2.pt', path: `${FACENET_RELEASE}20180402-114759-vggface2.pt`, maxSize: 200_000_000 }],
    origin: 'GitHub release v2.2.9 of timesler/facenet-pytorch (no published hash: trusted on first download)',
    terms: FACENET_TERMS('VGGFace2 (University of Oxford)'),
    manualImport: 'pv models import facenet --vggface2 <file>',
  },
  {
    id: 'facenet-casia-webface',
    description: 'FaceNet Inception-ResNet-v1 (20180408-102900) trained on CASIA-WebFace, as published by facenet-pytorch.',
    files: [{ name: '20180408-102900-casia-webface.pt', path: `${FACENET_RELEASE}20180408-102900-casia-webface.pt`, maxSize: 200_000_000 }],
    origin: 'GitHub release v2.2.9 of timesler/facenet-pytorch (no published hash: trusted on first download)',
    terms: FACENET_TERMS('CASIA-WebFace (Institute of Automation, Chinese Academy of Sciences)'),
    manualImport: 'pv models import facenet --casia-webface <file>',
  },
  {
    id: 'mtcnn',
    description: "MTCNN's P-Net, R-Net and O-Net as shipped in facenet-pytorch's data/ folder.",
    files: [
      { name: 'pnet.pt', path: `${MTCNN_DATA}pnet.pt`, sha256: 'a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f', size: 28_570, maxSize: 28_570 },
      { name: 'rnet.pt', path: `${MTCNN_DATA}rnet.pt`, sha256: 'bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86', size: 403_147, maxSize: 403_147 },
      { name: 'onet.pt', path: `${MTCNN_DATA}onet.pt`, sha256: '165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d', size: 1_559_269, maxSize: 1_559_269 },
    ],
    origin: `timesler/facenet-pytorch at commit ${MTCNN_WEIGHTS_COMMIT}, data/ (pinned by SHA-256 and size)`,
    terms:
      'facenet-pytorch (Tim Esler) is MIT-licensed; the MTCNN weights are a conversion of the original MTCNN models ' +
      '(Zhang et al., 2016) by way of davidsandberg/facenet (MIT). The terms of the original MTCNN release were not verified.',
    manualImport: 'pv models import mtcnn --dir <folder holding pnet.pt, rnet.pt and onet.pt>',
  },
];

/** The ids of {@link REMOTE_WEIGHTS}. */
export const REMOTE_WEIGHT_IDS: readonly string[] = REMOTE_WEIGHTS.map((w) => w.id);

/** The downloadable weights `id` names, or `undefined` when `id` is not one of {@link REMOTE_WEIGHT_IDS}. */
export function findRemoteWeights(id: string): RemoteWeights | undefined {
  return REMOTE_WEIGHTS.find((w) => w.id === id);
}

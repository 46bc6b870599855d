/** P-Net's outputs for one image: maps of `rows` x `columns` cells, channel-major (`[1, C, rows, columns]`). */
export interface ProposalMaps {
  /** `[1, 2, rows, columns]`: softmaxed; channel 1 is the face probability. */
  readonly prob: Float32Array;
  /** `[1, 4, rows, columns]`: box regression dx1, dy1, dx2, dy2 as fractions of the cell's box. */
  readonly reg: Float32Array;
  readonly rows: number;
  readonly columns: number;
}

/** R-Net's or O-Net's outputs for a batch of crops. */
export interface CropOutputs {
  /** `[count, 2]`: softmaxed; column 1 is the face probability. */
  readonly prob: Float32Array;
  /** `[count, 4]`: box regression. */
  readonly reg: Float32Array;
  /** O-Net only, `[count, 10]`: five x fractions, then five y fractions of the crop's box. */
  readonly landmarks?: Float32Array;
}

/**
 * Runs the three MTCNN networks on prepared input (`(x − 127.5) / 128`, RGB planes). The detection
 * algorithm ({@link detectFaces}) is written against this, so any runtime can back it; `@pv/mtcnn` backs it
 * with onnxruntime-node.
 */
export interface MtcnnNetworks {
  /** P-Net on one image `[1, 3, height, width]`. */
  propose(input: Float32Array, height: number, width: number): Promise<ProposalMaps>;
  /** R-Net on `count` crops `[count, 3, 24, 24]`. */
  refine(input: Float32Array, count: number): Promise<CropOutputs>;
  /** O-Net on `count` crops `[count, 3, 48, 48]`; its outputs include `landmarks`. */
  output(input: Float32Array, count: number): Promise<CropOutputs>;
}

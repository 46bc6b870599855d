/**
 * What a resampler reads outside the source image: `zero` (black, as OpenCV's constant border and the
 * ArcFace alignment code use) or `replicate` (the nearest edge pixel).
 */
export type BorderMode = 'zero' | 'replicate';

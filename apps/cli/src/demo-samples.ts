import type { PinnedPackage, PinnedPackageFile } from '@pv/model-fetch';

/**
 * The package the demo photos come from: @vladmandic/face-api (MIT), whose `demo/` folder holds six group
 * photos (1920 px wide). Pinned like the models: the tarball's integrity as the npm registry publishes it,
 * and each file's size and SHA-256 (computed from that tarball).
 */
export const DEMO_SAMPLE_PACKAGE: PinnedPackage = {
  package: '@vladmandic/face-api',
  version: '1.7.15',
  integrity: 'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
};

/** The demo photos inside {@link DEMO_SAMPLE_PACKAGE}. */
export const DEMO_SAMPLE_FILES: readonly PinnedPackageFile[] = [
  { path: 'demo/sample1.jpg', size: 144_516, sha256: '8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51' },
  { path: 'demo/sample2.jpg', size: 181_758, sha256: '7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691' },
  { path: 'demo/sample3.jpg', size: 221_049, sha256: '8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936' },
  { path: 'demo/sample4.jpg', size: 210_824, sha256: '729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc' },
  { path: 'demo/sample5.jpg', size: 166_400, sha256: '6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938' },
  { path: 'demo/sample6.jpg', size: 302_445, sha256: '9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87' },
];

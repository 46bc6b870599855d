/** The npm package pv's default models come from. */
export const FACEPLUGIN = {
  kind: 'npm',
  package: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
} as const;

/** What is known about the licence of the faceplugin models. */
export const FACEPLUGIN_LICENCE =
  'Declared MIT by faceplugin-face-recognition-js@0.0.1 (package.json "license": "MIT" and a bundled MIT LICENSE ' +
  'file whose copyright line reads "2021 gitguanqi", not the publisher Faceplugin, so it looks like template text). ' +
  'The package does not say where the weights come from or what data trained them; face-recognition training sets ' +
  'often carry research-only terms. Provenance unverified: check before commercial use.';


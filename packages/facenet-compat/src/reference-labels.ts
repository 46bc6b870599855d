/**
 * The reference's "labels from file names" rule: the file name up to its first dot (`x.split(".")[0]`), so
 * `alice.jpg` → `alice`, `alice_2.jpg` → `alice_2`, `Barack.Obama.jpeg` → `Barack`. pv's own rule
 * (`labelFromFileName` of `@pv/core`) also drops copy numbers (`alice_2.jpg` → `alice`); this class keeps the
 * reference's so the same folder gives the same labels.
 */
export function referenceLabel(fileName: string): string {
  const base = fileName.split(/[\\/]/u).pop() ?? fileName;
  return base.split('.')[0] ?? base;
}

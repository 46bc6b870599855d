import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const sharedData = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data');

/** An LFW fold-1 image by person and number. */
export function lfwImage(name: string, index: number): string {
  return path.join(sharedData, 'lfw-fold1', 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/** A few LFW fold-1 photos that show exactly one face. */
export const singleFaceLfw: readonly string[] = [
  lfwImage('Abel_Pacheco', 1),
  lfwImage('Abel_Pacheco', 4),
  lfwImage('Akhmed_Zakayev', 1),
  lfwImage('Akhmed_Zakayev', 3),
  lfwImage('Amber_Tamblyn', 1),
  lfwImage('Amber_Tamblyn', 2),
];

/** Same-person and different-person pairs among {@link singleFaceLfw} (indices into it). */
export const lfwPairs = {
  same: [
    [0, 1],
    [2, 3],
    [4, 5],
  ],
  different: [
    [0, 2],
    [0, 4],
    [1, 3],
    [1, 5],
    [2, 4],
    [3, 5],
  ],
} as const;

import type { Box } from '@pv/core';

/** A face box for people: `120×150 at (40, 32)`, whole pixels. */
export function describeBox(box: Box): string {
  return `${Math.round(box.width)}×${Math.round(box.height)} at (${Math.round(box.x)}, ${Math.round(box.y)})`;
}

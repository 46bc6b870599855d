import { launchChromiumContext, type ChromiumSession } from '@pv/testkit/chromium';

export type { ChromiumSession };

/** Starts Debian's Chromium (pv's flags, a fresh profile) with a wide, short viewport for the parity pages. */
export function launchChromium(): Promise<ChromiumSession> {
  return launchChromiumContext({ context: { viewport: { width: 1400, height: 320 } } });
}

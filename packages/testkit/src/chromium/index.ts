/**
 * Debian's Chromium for browser tests, through playwright-core: one set of launch flags and one clear failure
 * when the browser is missing (never `npx playwright install`, whose downloads are unreachable here).
 *
 * @example
 * ```ts
 * import { launchChromium } from '@pv/testkit/chromium';
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await page.goto('http://127.0.0.1:8080/');
 * await browser.close();
 * ```
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every pv browser test runs Chromium with: headless, no sandbox, nothing reaching the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options of {@link launchChromium} and {@link launchChromiumContext}. */
export interface ChromiumLaunchOptions {
  /** Flags added after {@link CHROMIUM_ARGS} (e.g. a fake webcam). */
  readonly extraArgs?: readonly string[];
}

/** Throws, naming the install command, when Debian's Chromium is not installed. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package: ` +
        '`apt-get update && apt-get install -y chromium` (do not use `npx playwright install`).',
    );
  }
}

/** Starts a headless Chromium with pv's flags. Close it with `browser.close()`. */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])] });
}

/** A browser context with a fresh profile of its own, and how to shut it down (removing the profile). */
export interface ChromiumSession {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh user-data-dir (a persistent context: service workers, IndexedDB and the cache
 * behave as for a visitor), deleted again by `close()`.
 */
export async function launchChromiumContext(options: ChromiumLaunchOptions & { readonly context?: BrowserContextOptions } = {}): Promise<ChromiumSession> {
  assertChromiumInstalled();
  const profile = await mkdtemp(path.join(tmpdir(), 'pv-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      ...options.context,
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

// The web page end to end in Debian's Chromium (playwright-core): enroll a person from a CelebA photo and
// identify another photo of them, in private mode (faces found and embedded in the browser) and in server
// mode, on a phone-sized screen. Screenshots go to apps/server/test-output/.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertChromiumInstalled, launchChromiumContext, type ChromiumSession } from '@pv/testkit/chromium';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AUTH, TEST_KEY, celebaImage, fetchJson, startTestServer, testOutputDir, type TestServer } from './test-support.fixture.js';


/**
 * Writes a one-frame YUV4MPEG2 video of a photo (4:2:0, BT.601 full range), which Chromium plays in a loop
 * as its fake webcam (`--use-file-for-fake-video-capture`).
 */
async function writeWebcamVideo(photo: string, file: string): Promise<void> {
  const { data, info } = await sharp(photo).resize({ width: 320, height: 400, fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const at = (px: number, py: number, c: number): number => data[(py * width + px) * 3 + c] as number;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) y[py * width + px] = Math.round(0.299 * at(px, py, 0) + 0.587 * at(px, py, 1) + 0.114 * at(px, py, 2));
  }
  for (let py = 0; py < height; py += 2) {
    for (let px = 0; px < width; px += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        r += at(px + dx, py + dy, 0) / 4;
        g += at(px + dx, py + dy, 1) / 4;
        b += at(px + dx, py + dy, 2) / 4;
      }
      const index = (py / 2) * (width / 2) + px / 2;
      u[index] = Math.round(Math.min(255, Math.max(0, -0.168736 * r - 0.331264 * g + 0.5 * b + 128)));
      v[index] = Math.round(Math.min(255, Math.max(0, 0.5 * r - 0.418688 * g - 0.081312 * b + 128)));
    }
  }
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F25:1 Ip A1:1 C420jpeg\nFRAME\n`), y, u, v]));
}

let served: TestServer;
let profile: string;
let session: ChromiumSession | undefined;
let browser: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  assertChromiumInstalled();
  served = await startTestServer();
  const info = await fetchJson<{ privateMode: boolean }>(`${served.url}/v1/info`);
  if (!info.body.privateMode) {
    throw new Error('The @pv/embedder-onnx-web browser bundle is not built: run `pnpm --filter @pv/embedder-onnx-web build` (pnpm test builds it).');
  }
  profile = await mkdtemp(path.join(tmpdir(), 'pv-server-chromium-'));
  const webcamVideo = path.join(profile, 'webcam.y4m');
  await writeWebcamVideo(celebaImage('7220', '183864'), webcamVideo);
  session = await launchChromiumContext({
    extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${webcamVideo}`],
    context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  });
  browser = session.context;
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await mkdir(testOutputDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await served?.server.close();
});

/** The faces enrolled under `label`, straight from the API. */
async function enrolledFaces(label: string): Promise<{ box?: unknown }[]> {
  const faces = await fetchJson<{ faces: { box?: unknown }[] }>(`${served.url}/v1/subjects/${label}/faces`, { headers: AUTH });
  return faces.body.faces;
}

test('private mode: enroll from a photo, identify another photo of the person, label drawn and listed', async () => {
  await page.goto(served.url);
  await page.fill('#api-key', TEST_KEY);
  expect(await page.isChecked('input[name="mode"][value="private"]')).toBe(true);
  await page.locator('#status').filter({ hasText: 'Private mode ready' }).waitFor({ timeout: 120_000 });

  await page.fill('#enroll-label', 'alice');
  await page.setInputFiles('#enroll-file', celebaImage('7206', '182757'));
  await page.locator('#enroll-result').filter({ hasText: 'Enrolled alice.' }).waitFor({ timeout: 60_000 });
  // Only an embedding reached the server: enrolling from an uploaded photo would have stored the face box.
  const faces = await enrolledFaces('alice');
  expect(faces).toHaveLength(1);
  expect(faces[0]).not.toHaveProperty('box');

  await page.setInputFiles('#identify-file', celebaImage('7206', '183064'));
  const label = page.locator('#identify-results .label').first();
  await label.waitFor({ timeout: 60_000 });
  expect(await label.textContent()).toBe('alice');
  expect(await page.locator('#subjects').textContent()).toContain('alice (1 face)');

  // The overlay was drawn at the photo's pixel size, and the page fits a phone screen without sideways scrolling.
  // (Page-side code is given as text: this package is type-checked without the DOM library.)
  const overlay = await page.evaluate<{ canvas: number[]; image: number[]; overflow: number }>(`(() => {
    const canvas = document.getElementById('identify-overlay');
    const image = document.getElementById('identify-image');
    return { canvas: [canvas.width, canvas.height], image: [image.naturalWidth, image.naturalHeight], overflow: document.documentElement.scrollWidth - window.innerWidth };
  })()`);
  expect(overlay.canvas).toEqual(overlay.image);
  expect(overlay.overflow).toBeLessThanOrEqual(0);
  await page.locator('#identify-stage').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(testOutputDir, 'page-private-mode.png'), fullPage: true });
}, 300_000);

test('webcam (private mode): enroll from a camera frame, then live identification labels the face', async () => {
  await page.fill('#enroll-label', 'carol');
  await page.click('#enroll-camera');
  // Polled from here: the page's CSP (no 'unsafe-eval') rightly stops waitForFunction's in-page eval.
  await expect.poll(() => page.evaluate<number>("document.getElementById('enroll-video').videoWidth"), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.click('#enroll-snap');
  await page.locator('#enroll-result').filter({ hasText: 'Enrolled carol.' }).waitFor({ timeout: 60_000 });
  await page.click('#enroll-camera');
  expect(await page.isHidden('#enroll-stage')).toBe(true);

  await page.click('#identify-camera');
  await page.locator('#identify-results .label').filter({ hasText: 'carol' }).waitFor({ timeout: 60_000 });
  const overlay = await page.evaluate<number[]>("[document.getElementById('identify-overlay').width, document.getElementById('identify-overlay').height]");
  expect(overlay).toEqual([320, 400]);
  await page.locator('#identify-stage').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(testOutputDir, 'page-webcam.png') });
  await page.click('#identify-camera');
  expect(await page.textContent('#identify-camera')).toBe('Live webcam');
}, 180_000);

test('server mode: the photo is uploaded, and the label still appears', async () => {
  await page.check('input[name="mode"][value="server"]');
  await page.fill('#enroll-label', 'bob');
  await page.setInputFiles('#enroll-file', celebaImage('7268', '183545'));
  await page.locator('#enroll-result').filter({ hasText: 'Enrolled bob.' }).waitFor({ timeout: 60_000 });
  const faces = await enrolledFaces('bob');
  expect(faces[0]).toHaveProperty('box');

  await page.setInputFiles('#identify-file', celebaImage('7268', '184559'));
  await page.locator('#identify-results .label').filter({ hasText: 'bob' }).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(testOutputDir, 'page-server-mode.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
}, 180_000);

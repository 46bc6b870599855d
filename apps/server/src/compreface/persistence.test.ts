// On a file-backed server, a recognition key's collection is a file store in the pv data folder: it
// survives a restart, and the key file made by `pv keys` is read again at start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { celebaImage, fetchJson, tempDir } from '../test-support.fixture.js';
import { fileForm, startCompreFaceServer } from './compreface.fixture.js';

let home: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  home = await tempDir();
});

afterAll(async () => {
  await home?.remove();
});

test('faces added through /api/v1 are there after a restart, in <data>/compreface/<key id>.pv', async () => {
  const store = `file:${path.join(home.dir, 'faces.pv')}`;
  const first = await startCompreFaceServer({ home: home.dir, store });
  const key = first.keys.recognition;
  const added = await fetchJson<{ image_id: string }>(`${first.api}/recognition/faces?subject=ada`, {
    method: 'POST',
    headers: { 'x-api-key': key },
    body: await fileForm(celebaImage('7206', '182757')),
  });
  expect(added.status).toBe(200);
  const collectionId = first.keyStore.lookup(key)?.id ?? '';
  await first.stop();
  expect(existsSync(path.join(home.dir, 'compreface', `${collectionId}.pv`))).toBe(true);

  const second = await startCompreFaceServer({ home: home.dir, store });
  const listed = await fetchJson<{ faces: { image_id: string; subject: string }[] }>(`${second.api}/recognition/faces`, { headers: { 'x-api-key': key } });
  await second.stop();
  expect(listed.body.faces).toEqual([{ image_id: added.body.image_id, subject: 'ada' }]);
});

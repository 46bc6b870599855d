// The pv demo page: enroll people from a photo or the webcam, then identify faces in a photo or live video,
// in private mode (faces found and embedded in this browser) or server mode (the photo is uploaded).
import { ApiClient, describeFailure } from './api.js';
import { canvasToJpeg, grabFrame, startCamera } from './camera.js';
import { drawFaces } from './draw.js';
import { browserRecognizer, facesInBrowser } from './private-mode.js';

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = 'pv-api-key';
const MODE_HINTS = {
  private: 'Photos never leave this device: faces are found and embedded here (about 7 MB of models, downloaded once and checked), and only the embeddings are sent.',
  server: 'Photos are uploaded to the server, which finds and embeds the faces; it keeps only the embeddings of enrolled faces.',
};

const keyInput = $('api-key');
keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
keyInput.addEventListener('input', () => sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim()));
const api = new ApiClient(() => keyInput.value.trim());

/** The server's model and limits (`GET /v1/info`). */
let info;

const mode = () => document.querySelector('input[name="mode"]:checked').value;
const setStatus = (text) => {
  $('status').textContent = text;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function showResult(element, text, ok) {
  element.textContent = text;
  element.className = `result ${ok ? 'ok' : 'bad'}`;
}

// ---- private mode ----------------------------------------------------------------------------------------

async function preparePrivateMode() {
  setStatus('Loading the face models in this browser…');
  try {
    await browserRecognizer();
    setStatus(`Private mode ready (${info.model.id}, ${info.metric} threshold ${info.threshold}).`);
  } catch (error) {
    setStatus(`Private mode could not start: ${describeFailure(error)}`);
  }
}

function onModeChange() {
  $('mode-hint').textContent = MODE_HINTS[mode()];
  if (mode() === 'private') void preparePrivateMode();
  else setStatus(`Server mode (${info.model.id}, ${info.metric} threshold ${info.threshold}).`);
}

// ---- enroll ----------------------------------------------------------------------------------------------

/** Enrolls the main face of `source` (private mode) or of `blob` (server mode) under the name typed in. */
async function enroll(source, blob) {
  const out = $('enroll-result');
  const label = $('enroll-label').value.trim();
  if (!label) {
    showResult(out, 'Enter a name first.', false);
    return;
  }
  showResult(out, 'Enrolling…', true);
  try {
    let face;
    if (mode() === 'private') {
      const [found] = await facesInBrowser(source, 'largest');
      if (!found) throw new Error('No face was found in the photo.');
      ({ face } = await api.enrollEmbedding(label, found.embedding, info.model.id));
    } else {
      ({ face } = await api.enrollImage(label, blob));
    }
    showResult(out, `Enrolled ${face.label}.`, true);
    await refreshSubjects();
  } catch (error) {
    showResult(out, describeFailure(error), false);
  }
}

$('enroll-file').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  await enroll(mode() === 'private' ? await createImageBitmap(file) : undefined, file);
});

let stopEnrollCamera;
$('enroll-camera').addEventListener('click', async () => {
  if (stopEnrollCamera) {
    stopEnrollCamera();
    stopEnrollCamera = undefined;
    $('enroll-stage').hidden = true;
    $('enroll-camera').textContent = 'Use webcam';
    return;
  }
  try {
    $('enroll-stage').hidden = false;
    stopEnrollCamera = await startCamera($('enroll-video'));
    $('enroll-camera').textContent = 'Stop webcam';
  } catch (error) {
    $('enroll-stage').hidden = true;
    showResult($('enroll-result'), describeFailure(error), false);
  }
});

$('enroll-snap').addEventListener('click', async () => {
  const frame = grabFrame($('enroll-video'));
  await enroll(frame, mode() === 'server' ? await canvasToJpeg(frame) : undefined);
});

// ---- identify --------------------------------------------------------------------------------------------

/** Every face of `source` with its prediction and candidates; `blob` is what server mode uploads. */
async function identify(source, blob) {
  if (mode() === 'private') {
    const faces = await facesInBrowser(source, 'all');
    if (faces.length === 0) return [];
    return (await api.identifyEmbeddings(faces, info.model.id)).faces;
  }
  return (await api.identifyImage(blob ?? (await canvasToJpeg(source)))).faces;
}

/** Lists the faces left to right: the name (or "unknown") and the nearest distance. */
function listFaces(faces) {
  const list = $('identify-results');
  if (faces.length === 0) {
    const item = document.createElement('li');
    item.textContent = 'No face found.';
    list.replaceChildren(item);
    return;
  }
  const sorted = [...faces].sort((a, b) => (a.box?.x ?? 0) - (b.box?.x ?? 0));
  list.replaceChildren(
    ...sorted.map((face) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = face.prediction === 'unknown' ? 'label unknown' : 'label';
      name.textContent = face.prediction;
      const nearest = document.createElement('span');
      const best = face.candidates[0];
      nearest.textContent = best ? `nearest ${best.label}: ${best.distance.toFixed(3)}` : 'nobody enrolled';
      item.append(name, nearest);
      return item;
    }),
  );
}

function showIdentifyError(error) {
  const item = document.createElement('li');
  item.className = 'unknown';
  item.textContent = describeFailure(error);
  $('identify-results').replaceChildren(item);
}

let live = false;
let stopIdentifyCamera;

function stopLive() {
  live = false;
  stopIdentifyCamera?.();
  stopIdentifyCamera = undefined;
  $('identify-camera').textContent = 'Live webcam';
}

$('identify-file').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  stopLive();
  const image = $('identify-image');
  $('identify-stage').hidden = false;
  $('identify-video').hidden = true;
  image.hidden = false;
  URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(file);
  const overlay = $('identify-overlay');
  overlay.getContext('2d').clearRect(0, 0, overlay.width, overlay.height);
  $('identify-results').replaceChildren();
  try {
    await image.decode();
    const faces = await identify(image, file);
    drawFaces(overlay, image.naturalWidth, image.naturalHeight, faces);
    listFaces(faces);
  } catch (error) {
    showIdentifyError(error);
  }
});

$('identify-camera').addEventListener('click', async () => {
  if (live) {
    stopLive();
    return;
  }
  const video = $('identify-video');
  $('identify-stage').hidden = false;
  $('identify-image').hidden = true;
  video.hidden = false;
  try {
    stopIdentifyCamera = await startCamera(video);
  } catch (error) {
    showIdentifyError(error);
    return;
  }
  live = true;
  $('identify-camera').textContent = 'Stop';
  while (live) {
    const frame = grabFrame(video);
    try {
      const faces = await identify(frame);
      if (!live) break;
      drawFaces($('identify-overlay'), frame.width, frame.height, faces);
      listFaces(faces);
      await sleep(100);
    } catch (error) {
      showIdentifyError(error);
      await sleep(1000);
    }
  }
});

// ---- subjects --------------------------------------------------------------------------------------------

async function refreshSubjects() {
  const list = $('subjects');
  try {
    const { subjects } = await api.subjects();
    if (subjects.length === 0) {
      const item = document.createElement('li');
      item.textContent = 'Nobody is enrolled yet.';
      list.replaceChildren(item);
      return;
    }
    list.replaceChildren(
      ...subjects.map(({ label, count }) => {
        const item = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'label';
        name.textContent = `${label} (${count} ${count === 1 ? 'face' : 'faces'})`;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary';
        remove.textContent = 'Delete';
        remove.setAttribute('aria-label', `Delete ${label}`);
        remove.addEventListener('click', async () => {
          if (!confirm(`Delete ${label} and all their faces?`)) return;
          try {
            await api.deleteSubject(label);
          } catch (error) {
            alert(describeFailure(error));
          }
          await refreshSubjects();
        });
        item.append(name, remove);
        return item;
      }),
    );
  } catch (error) {
    const item = document.createElement('li');
    item.className = 'unknown';
    item.textContent = describeFailure(error);
    list.replaceChildren(item);
  }
}

$('subjects-refresh').addEventListener('click', () => void refreshSubjects());
keyInput.addEventListener('change', () => void refreshSubjects());

// ---- start -----------------------------------------------------------------------------------------------

try {
  info = await api.info();
  if (!info.privateMode) {
    const privateChoice = document.querySelector('input[name="mode"][value="private"]');
    privateChoice.disabled = true;
    document.querySelector('input[name="mode"][value="server"]').checked = true;
    MODE_HINTS.server += ' (Private mode is unavailable: this server has no browser bundle; build @pv/embedder-onnx-web.)';
  }
  for (const choice of document.querySelectorAll('input[name="mode"]')) choice.addEventListener('change', onModeChange);
  onModeChange();
  if (keyInput.value) await refreshSubjects();
} catch (error) {
  setStatus(`The server cannot be reached: ${describeFailure(error)}`);
}

// Private mode: detection and embedding run in this browser with the prebuilt @pv/embedder-onnx-web bundle;
// only embeddings (and face boxes) are sent to the server. Models come from this server, verified by SHA-256.

let opening;

/** The browser recognizer, loaded once (bundle, onnxruntime-web and the three model files). */
export function browserRecognizer() {
  opening ??= (async () => {
    const pv = await import('/vendor/pv-web/pv-web.js');
    return pv.createBrowserRecognizer({ modelBaseUrl: '/models/' });
  })().catch((error) => {
    opening = undefined; // let the next attempt try again
    throw error;
  });
  return opening;
}

/**
 * The faces of an image, video frame or canvas, found and embedded here: `largest` gives the main face,
 * `all` every face. Each is `{ box, score, embedding }` with the embedding as a plain array.
 */
export async function facesInBrowser(source, policy) {
  const recognizer = await browserRecognizer();
  const faces = await recognizer.embedFacesInImage(source, policy);
  return faces.map((face) => ({
    box: face.detection.box,
    score: face.detection.score,
    embedding: Array.from(face.embedding),
  }));
}

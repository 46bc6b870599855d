// The /v1 API as the page uses it. Every call sends the API key when one is set.

/** An error answer of the API: its HTTP status, stable code and message. */
export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
  }
}

/** A short sentence for a failed call, for people rather than programs. */
export function describeFailure(error) {
  if (!(error instanceof ApiFailure)) return error instanceof Error ? error.message : String(error);
  switch (error.status) {
    case 401:
      return 'An API key is needed: enter it under Settings.';
    case 403:
      // A valid key without the route's scope (private-mode enrolment needs "enroll-embedding").
      return error.code === 'E_FORBIDDEN' && /scope/.test(error.message) ? `${error.message}.` : 'That API key is not valid.';
    case 413:
      return 'The photo is too large for this server.';
    case 415:
      return 'That file is not a JPEG, PNG, WebP, GIF or AVIF image.';
    case 429:
      return 'Too many requests: wait a moment and try again.';
    case 503:
      return 'The server is busy: try again in a few seconds.';
    default:
      return error.code === 'E_NO_FACE' ? 'No face was found in the photo.' : error.message;
  }
}

/** Calls the API with the key `getKey()` returns. */
export class ApiClient {
  constructor(getKey) {
    this.getKey = getKey;
  }

  async request(method, path, body) {
    const headers = {};
    const key = this.getKey();
    if (key) headers.authorization = `Bearer ${key}`;
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(path, { method, headers, body: payload });
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new ApiFailure(response.status, data.error?.code ?? 'E_UNKNOWN', data.error?.message ?? response.statusText);
    }
    return data;
  }

  info() {
    return this.request('GET', '/v1/info');
  }

  subjects() {
    return this.request('GET', '/v1/subjects');
  }

  deleteSubject(label) {
    return this.request('DELETE', `/v1/subjects/${encodeURIComponent(label)}`);
  }

  enrollImage(label, blob) {
    const form = new FormData();
    form.append('image', blob, 'photo');
    return this.request('POST', `/v1/subjects/${encodeURIComponent(label)}/faces`, form);
  }

  enrollEmbedding(label, embedding, modelId) {
    return this.request('POST', `/v1/subjects/${encodeURIComponent(label)}/faces`, { embedding, modelId });
  }

  identifyImage(blob, k = 3) {
    const form = new FormData();
    form.append('image', blob, 'photo');
    return this.request('POST', `/v1/identify?k=${k}`, form);
  }

  identifyEmbeddings(faces, modelId, k = 3) {
    return this.request('POST', `/v1/identify?k=${k}`, { modelId, faces });
  }
}

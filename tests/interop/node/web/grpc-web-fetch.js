// fetch() wrappers for connect-web's gRPC-web transport. Plain web APIs only (fetch, Headers,
// Response, ReadableStream, TransformStream, atob/btoa), so the same file runs in Node and in
// Chromium.
//
// Why a text adapter exists: @connectrpc/connect-web's createGrpcWebTransport does NOT
// implement application/grpc-web-text. Its `useBinaryFormat: false` switches the *message
// codec* to JSON (application/grpc-web+json); it never base64-encodes the body. To exercise the
// real grpc-web-text wire format (PROTOCOL-WEB.md, "Text-encoded (response) streams") we let
// connect-web build and parse ordinary binary gRPC-web frames and translate the HTTP bodies here:
//
//   request:  content-type application/grpc-web-text, accept application/grpc-web-text,
//             body = base64(binary gRPC-web request frames)
//   response: content-type must be application/grpc-web-text[+proto]; the body is a stream of
//             base64 text in which padding may occur mid-stream (the server may flush padded
//             chunks at any point), so it is decoded quantum by quantum as it arrives.

export const GRPC_WEB_TEXT = 'application/grpc-web-text';
const BINARY_REQUEST_TYPE = /^application\/grpc-web(\+proto)?$/i;
const TEXT_RESPONSE_TYPE = /^application\/grpc-web-text(\+proto)?\s*(;.*)?$/i;

function bytesToBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Streaming base64 decoder that tolerates padded chunks concatenated mid-stream. */
function base64DecoderStream() {
  let pending = '';
  const decodeComplete = (controller, final) => {
    pending = pending.replace(/\s+/g, '');
    for (;;) {
      // Decode up to the end of the first padded quantum, else up to the last complete quantum.
      const pad = pending.indexOf('=');
      const end = pad >= 0 ? Math.floor(pad / 4) * 4 + 4 : pending.length - (pending.length % 4);
      if (end === 0 || end > pending.length) break;
      const bytes = base64ToBytes(pending.slice(0, end)); // atob rejects malformed input
      pending = pending.slice(end);
      if (bytes.length) controller.enqueue(bytes);
    }
    if (final && pending.length) {
      throw new TypeError(`grpc-web-text response ended with ${pending.length} dangling base64 character(s): ${pending.slice(0, 16)}`);
    }
  };
  const textDecoder = new TextDecoder('ascii');
  return new TransformStream({
    transform(chunk, controller) {
      pending += textDecoder.decode(chunk, { stream: true });
      decodeComplete(controller, false);
    },
    flush(controller) {
      pending += textDecoder.decode();
      decodeComplete(controller, true);
    },
  });
}

function requestBodyBytes(body) {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`grpc-web-text adapter: unsupported request body type ${Object.prototype.toString.call(body)}`);
}

/**
 * A fetch that records the request/response content types of every call into `log` (an array).
 * Used for the binary format, where connect-web itself never checks the response content type.
 */
export function createObservingFetch(log, baseFetch = (...a) => globalThis.fetch(...a)) {
  return async (input, init = {}) => {
    const entry = { url: String(input), requestContentType: new Headers(init.headers).get('content-type') };
    log.push(entry);
    const response = await baseFetch(input, init);
    entry.status = response.status;
    entry.responseContentType = response.headers.get('content-type');
    return response;
  };
}

/** A fetch that speaks application/grpc-web-text on the wire (see file comment). */
export function createGrpcWebTextFetch(log, baseFetch = (...a) => globalThis.fetch(...a)) {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    const original = headers.get('content-type');
    if (!BINARY_REQUEST_TYPE.test(original ?? '')) {
      throw new TypeError(`grpc-web-text adapter expects connect-web binary requests, got content-type ${original}`);
    }
    headers.set('content-type', GRPC_WEB_TEXT);
    headers.set('accept', GRPC_WEB_TEXT);
    const entry = { url: String(input), requestContentType: GRPC_WEB_TEXT };
    log.push(entry);
    const response = await baseFetch(input, { ...init, headers, body: bytesToBase64(requestBodyBytes(init.body)) });
    entry.status = response.status;
    entry.responseContentType = response.headers.get('content-type');
    if (response.status < 200 || response.status > 299) return response; // connect-web maps HTTP errors itself
    if (!TEXT_RESPONSE_TYPE.test(entry.responseContentType ?? '')) {
      throw new TypeError(`grpc-web-text request answered with content-type ${JSON.stringify(entry.responseContentType)}`
        + ` (expected ${GRPC_WEB_TEXT})`);
    }
    // Hand connect-web the decoded binary stream under the binary content type, with every other
    // header (including grpc-status / grpc-message of trailers-only responses) untouched.
    const decodedHeaders = new Headers(response.headers);
    decodedHeaders.set('content-type', 'application/grpc-web+proto');
    const body = response.body ? response.body.pipeThrough(base64DecoderStream()) : null;
    return new Response(body, { status: response.status, statusText: response.statusText, headers: decodedHeaders });
  };
}

// Raw gRPC-web over plain fetch (Node), for checks that a high-level client would hide:
// exact content types, CORS headers, and who ends a call whose deadline expired.
// Framing per grpc/grpc doc/PROTOCOL-WEB.md: 1 flag byte (0x80 = trailer frame) + 4-byte
// big-endian length + payload; the trailer frame carries "key: value\r\n" lines.

/** Length-prefixes one message (uncompressed data frame). */
export function frame(bytes, flags = 0) {
  const out = new Uint8Array(5 + bytes.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, bytes.length, false);
  out.set(bytes, 5);
  return out;
}

/** Splits a binary gRPC-web body into frames; throws on a truncated frame. */
export function parseFrames(body) {
  const frames = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) throw new Error(`truncated frame header at offset ${offset}`);
    const flags = body[offset];
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0, false);
    if (body.length - offset - 5 < length) throw new Error(`truncated frame at offset ${offset}: wants ${length} bytes`);
    frames.push({ flags, data: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** Parses a trailer frame payload into a Map of lower-cased names to values. */
export function parseTrailerBlock(data) {
  const trailers = new Map();
  for (const line of new TextDecoder().decode(data).split('\r\n')) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`malformed trailer line ${JSON.stringify(line)}`);
    trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return trailers;
}

/**
 * POSTs one gRPC-web request and reads the whole response (bounded by `timeoutMs`).
 * Returns HTTP status, headers, the data frames, and the gRPC status from the trailer frame or,
 * for trailers-only responses, from the HTTP headers. A body that is not valid gRPC-web framing
 * is reported in `parseError` rather than thrown, so header-only checks still work.
 */
export async function grpcWebCall(baseUrl, path, message, {
  contentType = 'application/grpc-web+proto', headers = {}, timeoutMs = 10_000,
} = {}) {
  const text = /^application\/grpc-web-text/i.test(contentType);
  const framed = frame(message);
  const body = text ? Buffer.from(framed).toString('base64') : framed;
  const started = Date.now();
  const response = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-grpc-web': '1', ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  let bytes = new Uint8Array(await response.arrayBuffer());
  const elapsedMs = Date.now() - started;
  let frames = [];
  let parseError = null;
  try {
    if (text) bytes = new Uint8Array(Buffer.from(new TextDecoder().decode(bytes), 'base64'));
    frames = parseFrames(bytes);
  } catch (err) {
    parseError = `${err.message}; body starts ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 200)))}`;
  }
  const trailerFrames = frames.filter((f) => f.flags & 0x80);
  const trailers = trailerFrames.length ? parseTrailerBlock(trailerFrames.at(-1).data) : new Map();
  const grpcStatus = trailers.get('grpc-status') ?? response.headers.get('grpc-status');
  const grpcMessage = trailers.get('grpc-message') ?? response.headers.get('grpc-message');
  return {
    status: response.status,
    headers: response.headers,
    dataFrames: frames.filter((f) => !(f.flags & 0x80)),
    trailerFrameCount: trailerFrames.length,
    trailers,
    grpcStatus: grpcStatus === null || grpcStatus === undefined ? null : Number(grpcStatus),
    grpcMessage,
    elapsedMs,
    parseError,
  };
}

/** Splits a comma-separated header value into lower-cased tokens. */
export function headerTokens(value) {
  return (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** Human-readable dump of response headers for assertion messages. */
export function dumpHeaders(headers) {
  return [...headers].map(([k, v]) => `${k}: ${v}`).join('\n');
}

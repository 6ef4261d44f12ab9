// gRPC-web (HTTP/1.1) from Node against the program-under-test server:
//   * connect-web (createGrpcWebTransport) in binary format (application/grpc-web+proto) and in
//     text format (application/grpc-web-text, see ../web/grpc-web-fetch.js for why an adapter)
//   * raw fetch checks: plain application/grpc-web, server-side deadline, and CORS
//     (preflight + actual request, allowed and disallowed origins).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import {
  HOST, programUnderTest, freePorts, startServer, stopProcess,
} from '../lib/proc.mjs';
import { grpcWebCall, headerTokens, dumpHeaders } from '../lib/grpcweb-raw.mjs';
import {
  FORMATS, SCENARIOS, createClients, STREAM_SIZES, ECHO_INITIAL_VALUE, STATUS_MESSAGE, SPECIAL_STATUS_MESSAGE,
} from '../web/scenarios.js';
import { StreamingOutputCallRequestSchema, SimpleRequestSchema } from '../gen/grpc/testing/messages_pb.js';

const SERVER_START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

let put;
try {
  put = programUnderTest();
} catch (err) {
  put = err;
}

if (put instanceof Error) {
  test('EDGEACCESS_INTEROP_CMD must be set', () => { throw put; });
} else {
  let server;
  let baseUrl;
  let allowedOrigin;
  let disallowedOrigins;

  before(async () => {
    // gRPC-web goes to the program's HTTP/1.1 listener (--web_port); --port is its h2c listener:
    // a cleartext port can serve only one of HTTP/1.1 and HTTP/2 in Kestrel.
    const [port, originPort, otherPort, h2cPort] = await freePorts(4);
    baseUrl = `http://${HOST}:${port}`;
    allowedOrigin = `http://${HOST}:${originPort}`;
    // Same scheme+host but another port, and an unrelated host: both must be refused.
    disallowedOrigins = [`http://${HOST}:${otherPort}`, 'http://disallowed.example'];
    server = await startServer(
      [...put, 'server', `--port=${h2cPort}`, `--web_port=${port}`, '--use_tls=false', `--cors_origin=${allowedOrigin}`], port,
      { name: 'program-under-test server', timeoutMs: SERVER_START_TIMEOUT_MS });
  }, { timeout: SERVER_START_TIMEOUT_MS + 10_000 });

  after(() => stopProcess(server), { timeout: 20_000 });

  const serverLog = () => (server?.hasExited() ? `\n--- server exited; output ---\n${server.log}` : '');

  /** Runs a scenario, turning errors into assertion failures that carry the wire log. */
  async function scenario(format, name) {
    const clients = createClients(baseUrl, format);
    try {
      return await SCENARIOS[name](clients);
    } catch (err) {
      assert.fail(`${format} ${name} failed: ${err.message}${err.cause ? ` (cause: ${err.cause})` : ''}\n`
        + `wire: ${JSON.stringify(clients.wireLog)}${serverLog()}`);
    }
  }

  const EXPECTED_RESPONSE_TYPE = {
    binary: /^application\/grpc-web(\+proto)?\s*(;.*)?$/i,
    text: /^application\/grpc-web-text(\+proto)?\s*(;.*)?$/i,
  };

  for (const format of FORMATS) {
    const t = (name, fn) => test(`connect-web [${format}] ${name}`, { timeout: TEST_TIMEOUT_MS }, fn);

    t('empty call', async () => {
      const r = await scenario(format, 'empty_call');
      assert.equal(r.ok, true);
      assert.match(r.responseContentType ?? '', EXPECTED_RESPONSE_TYPE[format],
        `response content-type for request content-type ${r.requestContentType}`);
    });

    t('large unary (271828-byte request, 314159-byte response)', async () => {
      const r = await scenario(format, 'large_unary');
      assert.deepEqual(r, { bodyLength: 314159, allZero: true });
    });

    t('server streaming (4 messages, in order)', async () => {
      const r = await scenario(format, 'server_streaming');
      assert.deepEqual(r, { sizes: STREAM_SIZES, allZero: true });
    });

    t('custom metadata echo (initial header, -bin trailer)', async () => {
      const r = await scenario(format, 'custom_metadata');
      for (const kind of ['unary', 'streaming']) {
        assert.equal(r[kind].initial, ECHO_INITIAL_VALUE, `${kind}: echoed x-grpc-test-echo-initial response header`);
        assert.equal(r[kind].trailingHex, 'ababab',
          `${kind}: echoed x-grpc-test-echo-trailing-bin trailer (raw value ${JSON.stringify(r[kind].trailingRaw)}; expected base64 of 0xababab, e.g. "q6ur")`);
      }
    });

    t('status code and message', async () => {
      const r = await scenario(format, 'status_code_and_message');
      assert.deepEqual(r, { failed: true, code: 2, codeName: 'Unknown', rawMessage: STATUS_MESSAGE });
    });

    t('special status message (whitespace, BMP and non-BMP Unicode)', async () => {
      const r = await scenario(format, 'special_status_message');
      assert.deepEqual(r, { failed: true, code: 2, codeName: 'Unknown', rawMessage: SPECIAL_STATUS_MESSAGE });
    });

    t('unimplemented method -> Unimplemented', async () => {
      const r = await scenario(format, 'unimplemented_method');
      assert.equal(r.failed, true);
      assert.equal(r.codeName, 'Unimplemented', `got ${r.codeName}: ${r.rawMessage}`);
    });

    t('unimplemented service -> Unimplemented', async () => {
      const r = await scenario(format, 'unimplemented_service');
      assert.equal(r.failed, true);
      assert.equal(r.codeName, 'Unimplemented', `got ${r.codeName}: ${r.rawMessage}`);
    });

    t('deadline exceeded on a sleeping call', async () => {
      const r = await scenario(format, 'deadline_exceeded');
      assert.equal(r.failed, true);
      assert.equal(r.code, Code.DeadlineExceeded, `got ${r.codeName}: ${r.rawMessage}`);
      assert.ok(r.elapsedMs < 4_000, `took ${r.elapsedMs} ms`);
    });
  }

  // ----- raw checks ------------------------------------------------------------------------

  test('raw: plain application/grpc-web content type (unary)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const request = toBinary(SimpleRequestSchema, create(SimpleRequestSchema, { responseSize: 10 }));
    const r = await grpcWebCall(baseUrl, '/grpc.testing.TestService/UnaryCall', request, { contentType: 'application/grpc-web' });
    const details = `\n${r.status}\n${dumpHeaders(r.headers)}`;
    assert.equal(r.parseError, null, details);
    assert.equal(r.status, 200, details);
    assert.match(r.headers.get('content-type') ?? '', /^application\/grpc-web(\+proto)?\s*(;.*)?$/i, details);
    assert.equal(r.dataFrames.length, 1, `data frames${details}`);
    assert.equal(r.trailerFrameCount, 1, `trailer frames${details}`);
    assert.equal(r.grpcStatus, 0, `grpc-status (message ${r.grpcMessage})${details}`);
  });

  test('raw: server ends a sleeping call when grpc-timeout expires', { timeout: TEST_TIMEOUT_MS }, async () => {
    // No client-side abort until 8 s: the server itself must answer DEADLINE_EXCEEDED (4) after ~300 ms.
    const request = toBinary(StreamingOutputCallRequestSchema, create(StreamingOutputCallRequestSchema, {
      responseParameters: [{ size: 1, intervalUs: 5_000_000 }],
    }));
    const r = await grpcWebCall(baseUrl, '/grpc.testing.TestService/StreamingOutputCall', request,
      { headers: { 'grpc-timeout': '300m' }, timeoutMs: 8_000 });
    const details = `\nHTTP ${r.status} after ${r.elapsedMs} ms\n${dumpHeaders(r.headers)}\ntrailers: ${JSON.stringify([...r.trailers])}`;
    assert.equal(r.parseError, null, details);
    assert.equal(r.status, 200, details);
    assert.equal(r.grpcStatus, 4, `grpc-status (message ${r.grpcMessage})${details}`);
    assert.equal(r.dataFrames.length, 0, `no response message expected${details}`);
    assert.ok(r.elapsedMs < 4_000, `server took ${r.elapsedMs} ms to end the call${details}`);
  });

  // ----- CORS --------------------------------------------------------------------------------

  // What a browser running connect-web sends in a preflight for our calls.
  const REQUESTED_HEADERS = ['content-type', 'grpc-timeout', 'x-grpc-test-echo-initial',
    'x-grpc-test-echo-trailing-bin', 'x-grpc-web', 'x-user-agent'];
  const METHOD_URL = () => new URL('/grpc.testing.TestService/UnaryCall', baseUrl);

  const preflight = (origin) => fetch(METHOD_URL(), {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': REQUESTED_HEADERS.join(','),
    },
    signal: AbortSignal.timeout(10_000),
  });

  test('CORS: preflight from the allowed origin', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await preflight(allowedOrigin);
    await r.arrayBuffer();
    const details = `\nHTTP ${r.status}\n${dumpHeaders(r.headers)}`;
    assert.ok(r.status >= 200 && r.status < 300, `preflight status${details}`);
    const allowOrigin = r.headers.get('access-control-allow-origin');
    assert.ok(allowOrigin === allowedOrigin || allowOrigin === '*', `access-control-allow-origin${details}`);
    const methods = headerTokens(r.headers.get('access-control-allow-methods'));
    assert.ok(methods.includes('post') || methods.includes('*'), `access-control-allow-methods must allow POST${details}`);
    const allowed = headerTokens(r.headers.get('access-control-allow-headers'));
    const missing = REQUESTED_HEADERS.filter((h) => !allowed.includes(h) && !allowed.includes('*'));
    assert.deepEqual(missing, [], `access-control-allow-headers lacks requested headers${details}`);
  });

  test('CORS: preflight from disallowed origins gets no allow-origin', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Only meaningful if the allowed origin does get an allow-origin header.
    const control = await preflight(allowedOrigin);
    await control.arrayBuffer();
    assert.ok(control.headers.get('access-control-allow-origin'),
      `control: the allowed origin's preflight got no allow-origin either\nHTTP ${control.status}\n${dumpHeaders(control.headers)}`);
    for (const origin of disallowedOrigins) {
      const r = await preflight(origin);
      await r.arrayBuffer();
      assert.equal(r.headers.get('access-control-allow-origin'), null,
        `origin ${origin}\nHTTP ${r.status}\n${dumpHeaders(r.headers)}`);
    }
  });

  test('CORS: actual request from the allowed origin exposes gRPC headers', { timeout: TEST_TIMEOUT_MS }, async () => {
    const request = toBinary(SimpleRequestSchema, create(SimpleRequestSchema, { responseSize: 1 }));
    const r = await grpcWebCall(baseUrl, '/grpc.testing.TestService/UnaryCall', request, { headers: { origin: allowedOrigin } });
    const details = `\nHTTP ${r.status}\n${dumpHeaders(r.headers)}`;
    assert.equal(r.grpcStatus, 0, details);
    const allowOrigin = r.headers.get('access-control-allow-origin');
    assert.ok(allowOrigin === allowedOrigin || allowOrigin === '*', `access-control-allow-origin${details}`);
    // Browsers hide response headers that are not exposed; connect-web needs grpc-status and
    // grpc-message for trailers-only (error) responses.
    const exposed = headerTokens(r.headers.get('access-control-expose-headers'));
    const missing = ['grpc-status', 'grpc-message'].filter((h) => !exposed.includes(h) && !exposed.includes('*'));
    assert.deepEqual(missing, [], `access-control-expose-headers${details}`);
  });

  test('CORS: actual request from disallowed origins gets no allow-origin', { timeout: TEST_TIMEOUT_MS }, async () => {
    const request = toBinary(SimpleRequestSchema, create(SimpleRequestSchema, { responseSize: 1 }));
    // Only meaningful if the allowed origin does get an allow-origin header.
    const control = await grpcWebCall(baseUrl, '/grpc.testing.TestService/UnaryCall', request, { headers: { origin: allowedOrigin } });
    assert.ok(control.headers.get('access-control-allow-origin'),
      `control: the allowed origin got no allow-origin either\nHTTP ${control.status}\n${dumpHeaders(control.headers)}`);
    for (const origin of disallowedOrigins) {
      const r = await grpcWebCall(baseUrl, '/grpc.testing.TestService/UnaryCall', request, { headers: { origin } });
      assert.equal(r.headers.get('access-control-allow-origin'), null, `origin ${origin}\nHTTP ${r.status}\n${dumpHeaders(r.headers)}`);
    }
  });
}

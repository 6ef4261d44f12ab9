// gRPC-web scenarios run with @connectrpc/connect-web, shared by the Node test
// (test/grpcweb.test.mjs) and the browser page (web/main.js). Each scenario performs real calls
// and returns plain, JSON-serialisable observations; the tests assert on them.
//
// Formats:
//   binary -> connect-web createGrpcWebTransport({ useBinaryFormat: true }): application/grpc-web+proto
//   text   -> the same transport with a fetch adapter that speaks application/grpc-web-text
//             (connect-web has no grpc-web-text support of its own; see grpc-web-fetch.js)

import { createClient, ConnectError, Code, encodeBinaryHeader, decodeBinaryHeader } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { TestService, UnimplementedService } from '../gen/grpc/testing/test_pb.js';
import { createGrpcWebTextFetch, createObservingFetch } from './grpc-web-fetch.js';

export const FORMATS = ['binary', 'text'];

export const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
export const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
export const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
export const STATUS_MESSAGE = 'test status message';
export const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';
export const STREAM_SIZES = [31415, 9, 2653, 58979];

/** Creates clients for one wire format; `wireLog` receives the content types seen per request. */
export function createClients(baseUrl, format) {
  const wireLog = [];
  const transport = createGrpcWebTransport({
    baseUrl,
    useBinaryFormat: true, // protobuf messages; see the file comment for how "text" is done
    fetch: format === 'text' ? createGrpcWebTextFetch(wireLog) : createObservingFetch(wireLog),
  });
  return {
    wireLog,
    test: createClient(TestService, transport),
    unimplemented: createClient(UnimplementedService, transport),
  };
}

function isAllZero(bytes) {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Observation for a call that is expected to fail. */
async function failure(promise) {
  try {
    const value = await promise;
    return { failed: false, value: String(value) };
  } catch (e) {
    const err = ConnectError.from(e);
    return { failed: true, code: err.code, codeName: Code[err.code], rawMessage: err.rawMessage };
  }
}

/** Drains a server stream and returns the payload sizes in arrival order. */
async function streamSizes(stream) {
  const sizes = [];
  let allZero = true;
  for await (const response of stream) {
    sizes.push(response.payload?.body?.length ?? -1);
    allZero &&= isAllZero(response.payload?.body ?? []);
  }
  return { sizes, allZero };
}

// Bounds every call; a scenario that needs a different deadline sets its own.
const CALL_TIMEOUT_MS = 10_000;

export const SCENARIOS = {
  async empty_call({ test, wireLog }) {
    const response = await test.emptyCall({}, { timeoutMs: CALL_TIMEOUT_MS });
    const wire = wireLog.at(-1);
    return {
      ok: response !== undefined && response !== null,
      requestContentType: wire?.requestContentType,
      responseContentType: wire?.responseContentType,
    };
  },

  async large_unary({ test }) {
    const response = await test.unaryCall({
      responseSize: 314159,
      payload: { body: new Uint8Array(271828) },
    }, { timeoutMs: CALL_TIMEOUT_MS });
    const body = response.payload?.body ?? new Uint8Array();
    return { bodyLength: body.length, allZero: isAllZero(body) };
  },

  async server_streaming({ test }) {
    return streamSizes(test.streamingOutputCall({
      responseParameters: STREAM_SIZES.map((size) => ({ size })),
    }, { timeoutMs: CALL_TIMEOUT_MS }));
  },

  async custom_metadata({ test }) {
    const headers = {
      [ECHO_INITIAL_KEY]: ECHO_INITIAL_VALUE,
      [ECHO_TRAILING_KEY]: encodeBinaryHeader(new Uint8Array([0xab, 0xab, 0xab])),
    };
    const observe = async (call) => {
      let header = null;
      let trailer = null;
      await call({
        headers,
        timeoutMs: CALL_TIMEOUT_MS,
        onHeader: (h) => { header = h; },
        onTrailer: (t) => { trailer = t; },
      });
      const trailing = trailer?.get(ECHO_TRAILING_KEY) ?? null;
      let trailingHex = null;
      try {
        trailingHex = trailing === null ? null : toHex(decodeBinaryHeader(trailing));
      } catch (e) {
        trailingHex = `undecodable: ${JSON.stringify(trailing)} (${e.message})`;
      }
      return { initial: header?.get(ECHO_INITIAL_KEY) ?? null, trailingRaw: trailing, trailingHex };
    };
    const unary = await observe((opts) => test.unaryCall({ responseSize: 314159, payload: { body: new Uint8Array(271828) } }, opts));
    const streaming = await observe(async (opts) => {
      for await (const _ of test.streamingOutputCall({ responseParameters: [{ size: 31415 }] }, opts)) { /* drain */ }
    });
    return { unary, streaming };
  },

  async status_code_and_message({ test }) {
    return failure(test.unaryCall({ responseStatus: { code: 2, message: STATUS_MESSAGE } }, { timeoutMs: CALL_TIMEOUT_MS }));
  },

  async special_status_message({ test }) {
    return failure(test.unaryCall({ responseStatus: { code: 2, message: SPECIAL_STATUS_MESSAGE } }, { timeoutMs: CALL_TIMEOUT_MS }));
  },

  async unimplemented_method({ test }) {
    return failure(test.unimplementedCall({}, { timeoutMs: CALL_TIMEOUT_MS }));
  },

  async unimplemented_service({ unimplemented }) {
    return failure(unimplemented.unimplementedCall({}, { timeoutMs: CALL_TIMEOUT_MS }));
  },

  // A "sleeping" call: the server is asked to wait 5 s before its first response, the client
  // allows 500 ms (sent as grpc-timeout: 500m).
  async deadline_exceeded({ test }) {
    const started = Date.now();
    const result = await failure(streamSizes(test.streamingOutputCall({
      responseParameters: [{ size: 1, intervalUs: 5_000_000 }],
    }, { timeoutMs: 500 })));
    return { ...result, elapsedMs: Date.now() - started };
  },
};

/** Runs scenarios for every format; never throws (errors become observations). */
export async function runAll(baseUrl, names = Object.keys(SCENARIOS)) {
  const results = {};
  for (const format of FORMATS) {
    results[format] = {};
    for (const name of names) {
      const clients = createClients(baseUrl, format);
      try {
        results[format][name] = { ok: true, value: await SCENARIOS[name](clients) };
      } catch (e) {
        const err = ConnectError.from(e);
        results[format][name] = {
          ok: false, error: `${Code[err.code]}: ${err.rawMessage}`, cause: String(err.cause ?? ''), wire: clients.wireLog,
        };
      }
    }
  }
  return results;
}

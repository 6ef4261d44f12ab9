#!/usr/bin/env node
// gRPC interop peer built on @grpc/grpc-js + @grpc/proto-loader.
//
//   node interop.mjs server --port=N --use_tls=false
//   node interop.mjs client --server_host=H --server_port=N --test_case=NAME --use_tls=false
//
// Behaviour follows the official gRPC interop test descriptions
// (grpc/grpc doc/interop-test-descriptions.md). The client exits 0 when the case passes and
// non-zero (with the reason on stderr) when it fails. Every wait is bounded: each RPC carries a
// deadline, stream reads have timeouts, and a process-wide watchdog ends a stuck client.
//
// What grpc-js cannot do (and how this peer deals with it, without faking anything):
//   * grpc-js servers never compress responses (the compressed-flag byte is always 0; see
//     BaseServerInterceptingCall.serializeMessage). `response_compressed` / per-response
//     `compressed` are therefore NOT honoured by this server; it answers uncompressed, exactly
//     like the official grpc-node interop server. A correct client running
//     server_compressed_unary / server_compressed_streaming against this server must fail.
//   * grpc-js does not expose the per-message compressed flag to applications. To perform the
//     checks the spec requires (CompressedRequest on the server, the response flag checks in
//     server_compressed_* and the "was my request really compressed" sanity check in
//     client_compressed_*), this file installs small read-only observers on two internal
//     grpc-js methods (see "Wire-flag observers" below). They only record byte 0 of each
//     length-prefixed message; they never change what goes over the wire.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROTO_ROOT = process.env.EDGEACCESS_INTEROP_PROTO_ROOT
  ?? path.resolve(HERE, '../../EdgeAccess.Interop/Protos');

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
/** grpc-js write flag that disables compression for one message (grpc core's GRPC_WRITE_NO_COMPRESS). */
const WRITE_FLAG_NO_COMPRESS = 2;
const DEFAULT_RPC_DEADLINE_MS = 10_000;
const CLIENT_WATCHDOG_MS = 25_000;

// ---------------------------------------------------------------------------------------------
// Proto loading
// ---------------------------------------------------------------------------------------------

function loadTestingPackage() {
  const definition = protoLoader.loadSync('grpc/testing/test.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: true, // field names exactly as in the .proto (response_size, not responseSize)
    longs: String,
    enums: String,
    defaults: true, // scalars get their proto3 defaults; unset message fields become null
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).grpc.testing;
}

// ---------------------------------------------------------------------------------------------
// Wire-flag observers (read-only instrumentation of grpc-js internals, see header comment).
// ---------------------------------------------------------------------------------------------

/** Symbol under which the server records whether a request message arrived compressed. */
const WIRE_COMPRESSED = Symbol('wireCompressed');

/** Client-side record of the compressed-flag byte of each message sent / received, in order. */
const clientWire = {
  sent: [],
  received: [],
  reset() {
    this.sent = [];
    this.received = [];
  },
};

function installClientWireObservers() {
  const { CompressionFilter } = require('@grpc/grpc-js/build/src/compression-filter.js');
  const proto = CompressionFilter?.prototype;
  if (typeof proto?.sendMessage !== 'function' || typeof proto?.receiveMessage !== 'function') {
    throw new Error('grpc-js internals changed: CompressionFilter.sendMessage/receiveMessage not found');
  }
  const originalSend = proto.sendMessage;
  const originalReceive = proto.receiveMessage;
  // sendMessage resolves to { message: <framed bytes>, flags }; byte 0 is the compressed flag.
  proto.sendMessage = async function observedSendMessage(message) {
    const framed = await originalSend.call(this, message);
    clientWire.sent.push(framed.message.readUInt8(0));
    return framed;
  };
  // receiveMessage gets the framed (still compressed) message as a promise.
  proto.receiveMessage = async function observedReceiveMessage(message) {
    const framed = await message;
    clientWire.received.push(framed.readUInt8(0));
    return originalReceive.call(this, Promise.resolve(framed));
  };
}

function installServerWireObservers() {
  const { BaseServerInterceptingCall } = require('@grpc/grpc-js/build/src/server-interceptors.js');
  const proto = BaseServerInterceptingCall?.prototype;
  if (typeof proto?.decompressMessage !== 'function') {
    throw new Error('grpc-js internals changed: BaseServerInterceptingCall.decompressMessage not found');
  }
  const original = proto.decompressMessage;
  // decompressMessage(framed, encoding) returns the bare message bytes (or a promise of them),
  // which grpc-js then hands to the method's request deserializer. Tag those bytes with the
  // framed message's compressed flag; wrapDeserializers() moves the tag onto the decoded object.
  proto.decompressMessage = function observedDecompressMessage(framed, encoding) {
    const compressed = framed.readUInt8(0) === 1;
    const tag = (bytes) => {
      if (bytes && typeof bytes === 'object') bytes[WIRE_COMPRESSED] = compressed;
      return bytes;
    };
    const result = original.call(this, framed, encoding);
    return result instanceof Promise ? result.then(tag) : tag(result);
  };
}

/** Make each request deserializer carry the wire-compressed tag over to the decoded message. */
function wrapDeserializers(serviceDefinition) {
  for (const method of Object.values(serviceDefinition)) {
    const deserialize = method.requestDeserialize;
    method.requestDeserialize = (bytes) => {
      const message = deserialize(bytes);
      if (bytes && WIRE_COMPRESSED in bytes) {
        Object.defineProperty(message, WIRE_COMPRESSED, { value: bytes[WIRE_COMPRESSED], enumerable: false });
      }
      return message;
    };
  }
  return serviceDefinition;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function parseFlags(argv) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      flags[arg.slice(2)] = argv[++i];
    } else {
      flags[arg.slice(2)] = 'true';
    }
  }
  return flags;
}

function parseBool(value, name) {
  if (value === undefined) return false;
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw new Error(`--${name} must be true or false, got ${value}`);
}

const zeros = (n) => Buffer.alloc(n);

function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function statusName(code) {
  return Object.entries(grpc.status).find(([, v]) => v === code)?.[0] ?? String(code);
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/** Echo Metadata: send x-grpc-test-echo-initial back as initial metadata, return the trailer to send. */
function echoMetadata(call) {
  const initial = call.metadata.get(ECHO_INITIAL_KEY);
  if (initial.length > 0) {
    const md = new grpc.Metadata();
    md.set(ECHO_INITIAL_KEY, initial[0]);
    call.sendMetadata(md);
  }
  const trailer = new grpc.Metadata();
  const trailing = call.metadata.get(ECHO_TRAILING_KEY);
  if (trailing.length > 0) trailer.set(ECHO_TRAILING_KEY, trailing[0]);
  return trailer;
}

/** CompressedRequest: expect_compressed=true requires the message to have arrived compressed. */
function compressionExpectationError(request) {
  if (request.expect_compressed?.value !== true) return null;
  if (request[WIRE_COMPRESSED] === true) return null;
  return {
    code: grpc.status.INVALID_ARGUMENT,
    details: 'Expected compressed request, but the message was not compressed',
  };
}

/** Echo Status: a response_status with a non-zero code ends the call with that status. */
function echoStatusError(request) {
  const s = request.response_status;
  if (!s || !s.code) return null;
  return { code: s.code, details: s.message ?? '' };
}

function makePayload(type, size) {
  // Only COMPRESSABLE exists in the contract; it means "zero bytes of the requested size".
  if (type !== 'COMPRESSABLE') {
    const err = new Error(`unsupported response_type ${type}`);
    err.code = grpc.status.INVALID_ARGUMENT;
    throw err;
  }
  return { type, body: zeros(size) };
}

function writeMessage(call, message) {
  return new Promise((resolve, reject) => {
    call.write(message, (err) => (err ? reject(err) : resolve()));
  });
}

function createServiceImplementation() {
  return {
    EmptyCall(call, callback) {
      const trailer = echoMetadata(call);
      callback(null, {}, trailer);
    },

    UnaryCall(call, callback) {
      const trailer = echoMetadata(call);
      const req = call.request;
      const err = compressionExpectationError(req) ?? echoStatusError(req);
      if (err) return callback({ ...err, metadata: trailer });
      // NOTE: req.response_compressed is not honoured: grpc-js servers cannot compress.
      try {
        callback(null, { payload: makePayload(req.response_type, req.response_size) }, trailer);
      } catch (e) {
        callback({ code: e.code ?? grpc.status.INTERNAL, details: e.message, metadata: trailer });
      }
    },

    CacheableUnaryCall(call, callback) {
      const trailer = echoMetadata(call);
      const body = Buffer.from(String(process.hrtime.bigint()));
      callback(null, { payload: { type: 'COMPRESSABLE', body } }, trailer);
    },

    StreamingInputCall(call, callback) {
      const trailer = echoMetadata(call);
      let aggregated = 0;
      let finished = false;
      const finish = (err, value) => {
        if (finished) return;
        finished = true;
        if (err) callback({ ...err, metadata: trailer });
        else callback(null, value, trailer);
      };
      call.on('data', (req) => {
        const err = compressionExpectationError(req);
        if (err) return finish(err);
        aggregated += req.payload?.body?.length ?? 0;
      });
      call.on('end', () => finish(null, { aggregated_payload_size: aggregated }));
      call.on('error', () => { finished = true; });
    },

    StreamingOutputCall(call) {
      const trailer = echoMetadata(call);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const req = call.request;
      (async () => {
        const err = echoStatusError(req);
        if (err) return call.emit('error', { ...err, metadata: trailer });
        for (const p of req.response_parameters) {
          // Observe ResponseParameters.interval_us: sleep before each response.
          await sleep(Math.ceil(p.interval_us / 1000), abort.signal);
          if (abort.signal.aborted) return;
          // NOTE: p.compressed is not honoured: grpc-js servers cannot compress.
          await writeMessage(call, { payload: makePayload(req.response_type, p.size) });
        }
        call.end(trailer);
      })().catch((e) => {
        if (!abort.signal.aborted) call.emit('error', { code: e.code ?? grpc.status.INTERNAL, details: e.message, metadata: trailer });
      });
    },

    FullDuplexCall(call) {
      const trailer = echoMetadata(call);
      duplexHandler(call, trailer, { respondImmediately: true });
    },

    HalfDuplexCall(call) {
      const trailer = echoMetadata(call);
      duplexHandler(call, trailer, { respondImmediately: false });
    },
    // UnimplementedCall is deliberately absent: grpc-js then answers UNIMPLEMENTED by itself.
  };
}

/**
 * FullDuplexCall answers each request as it arrives; HalfDuplexCall buffers all requests and
 * answers after the client half-closes. Requests are processed strictly in order.
 */
function duplexHandler(call, trailer, { respondImmediately }) {
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort());
  let chain = Promise.resolve();
  let closed = false;
  const buffered = [];

  const fail = (err) => {
    if (closed || abort.signal.aborted) return;
    closed = true;
    call.emit('error', { ...err, metadata: trailer });
  };
  const handle = async (req) => {
    if (closed || abort.signal.aborted) return;
    const err = echoStatusError(req);
    if (err) return fail(err);
    for (const p of req.response_parameters) {
      await sleep(Math.ceil(p.interval_us / 1000), abort.signal);
      if (closed || abort.signal.aborted) return;
      await writeMessage(call, { payload: makePayload(req.response_type, p.size) });
    }
  };
  const enqueue = (req) => {
    chain = chain.then(() => handle(req)).catch((e) =>
      fail({ code: e.code ?? grpc.status.INTERNAL, details: e.message }));
  };

  call.on('data', (req) => (respondImmediately ? enqueue(req) : buffered.push(req)));
  call.on('end', () => {
    if (!respondImmediately) buffered.forEach(enqueue);
    chain = chain.then(() => {
      if (closed || abort.signal.aborted) return;
      closed = true;
      call.end(trailer);
    });
  });
  call.on('error', () => { closed = true; });
}

async function runServer(flags) {
  if (parseBool(flags.use_tls, 'use_tls')) throw new Error('--use_tls=true is not supported by this peer');
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid --port: ${flags.port}`);

  installServerWireObservers();
  const testing = loadTestingPackage();
  const server = new grpc.Server();
  server.addService(wrapDeserializers(testing.TestService.service), createServiceImplementation());

  await new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) return reject(err);
      if (bound !== port) return reject(new Error(`bound ${bound}, wanted ${port}`));
      resolve();
    });
  });
  console.log(`grpc-js interop server listening on 127.0.0.1:${port}`);

  const shutdown = () => {
    const force = setTimeout(() => { server.forceShutdown(); process.exit(0); }, 2_000);
    server.tryShutdown(() => { clearTimeout(force); process.exit(0); });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

const deadline = (ms = DEFAULT_RPC_DEADLINE_MS) => Date.now() + ms;

function unary(client, method, request, { metadata = new grpc.Metadata(), deadlineMs } = {}) {
  return new Promise((resolve, reject) => {
    let headers = null;
    let trailers = null;
    let settled = null;
    const finish = () => {
      if (!settled || !trailers) return;
      const [err, response] = settled;
      if (err) { err.headers = headers; reject(err); } else resolve({ response, headers, trailers });
    };
    const call = client[method](request, metadata, { deadline: deadline(deadlineMs) }, (err, response) => {
      settled = [err, response];
      if (err) trailers = err.metadata ?? new grpc.Metadata();
      finish();
    });
    call.on('metadata', (md) => { headers = md; });
    call.on('status', (status) => { trailers = status.metadata; finish(); });
  });
}

/** Reads a grpc-js client stream with bounded waits. */
class StreamReader {
  constructor(call) {
    this.messages = [];
    this.waiters = [];
    this.ended = false;
    this.error = null;
    this.headers = null;
    this.status = null;
    call.on('metadata', (md) => { this.headers = md; });
    call.on('data', (m) => { this.messages.push(m); this.wake(); });
    call.on('end', () => { this.ended = true; this.wake(); });
    call.on('error', (e) => { this.error = e; this.ended = true; this.wake(); });
    call.on('status', (s) => { this.status = s; this.wake(); });
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  async waitFor(predicate, what, ms = DEFAULT_RPC_DEADLINE_MS) {
    await withTimeout(new Promise((resolve) => {
      const check = () => (predicate() ? resolve() : this.waiters.push(check));
      check();
    }), ms, what);
  }

  /** Next message, or null when the stream ended; throws the stream's error. */
  async next() {
    await this.waitFor(() => this.messages.length > 0 || this.ended, 'a stream message');
    if (this.messages.length > 0) return this.messages.shift();
    if (this.error) throw this.error;
    return null;
  }

  /** All remaining messages until OK end, plus final status; throws the stream's error. */
  async drain() {
    const rest = [];
    for (let m = await this.next(); m !== null; m = await this.next()) rest.push(m);
    await this.waitFor(() => this.status !== null, 'the final status');
    return rest;
  }

  /** Waits for the call to fail and returns the error (asserting it did fail). */
  async failure() {
    await this.waitFor(() => this.ended, 'the call to end');
    assert.ok(this.error, `expected the call to fail, but it completed OK with ${this.messages.length} message(s)`);
    return this.error;
  }
}

function clientStreamCall(client, method, { metadata = new grpc.Metadata(), deadlineMs } = {}) {
  let resolveResult;
  const result = new Promise((resolve) => { resolveResult = resolve; });
  const call = client[method](metadata, { deadline: deadline(deadlineMs) }, (err, response) => resolveResult({ err, response }));
  return { call, result: withTimeout(result, (deadlineMs ?? DEFAULT_RPC_DEADLINE_MS) + 2_000, `${method} result`) };
}

async function expectCode(promiseOrFn, code, what) {
  try {
    const value = await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
    assert.fail(`${what}: expected status ${statusName(code)}, but the call succeeded (${JSON.stringify(value)?.slice(0, 200)})`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.equal(statusName(err.code), statusName(code), `${what}: wrong status (details: ${JSON.stringify(err.details)})`);
    return err;
  }
}

function assertZeroPayload(payload, size, what) {
  assert.ok(payload, `${what}: response has no payload`);
  assert.equal(payload.type, 'COMPRESSABLE', `${what}: payload type`);
  assert.equal(payload.body.length, size, `${what}: payload body size`);
  assert.ok(payload.body.every((b) => b === 0), `${what}: payload body is not all zeros`);
}

function echoMetadataRequest() {
  const md = new grpc.Metadata();
  md.set(ECHO_INITIAL_KEY, 'test_initial_metadata_value');
  md.set(ECHO_TRAILING_KEY, Buffer.from([0xab, 0xab, 0xab]));
  return md;
}

function assertEchoedMetadata(headers, trailers, what) {
  assert.ok(headers, `${what}: no initial metadata received`);
  assert.deepEqual(headers.get(ECHO_INITIAL_KEY), ['test_initial_metadata_value'], `${what}: echoed initial metadata`);
  assert.ok(trailers, `${what}: no trailing metadata received`);
  const trailing = trailers.get(ECHO_TRAILING_KEY);
  assert.equal(trailing.length, 1, `${what}: echoed trailing metadata count`);
  assert.ok(Buffer.isBuffer(trailing[0]), `${what}: echoed trailing-bin value is not binary`);
  assert.equal(trailing[0].toString('hex'), 'ababab', `${what}: echoed trailing-bin value`);
}

function makeCases(ctx) {
  const { client, gzipClient, unimplementedServiceClient } = ctx;
  const largeRequest = (extra = {}) => ({
    response_type: 'COMPRESSABLE', response_size: 314159, payload: { body: zeros(271828) }, ...extra,
  });
  const statusRequest = (message) => ({ response_status: { code: 2, message } });

  return {
    async empty_unary() {
      const { response } = await unary(client, 'EmptyCall', {});
      assert.ok(response, 'response is null');
    },

    async large_unary() {
      const { response } = await unary(client, 'UnaryCall', largeRequest());
      assertZeroPayload(response.payload, 314159, 'large_unary');
    },

    async client_compressed_unary() {
      // 1. Feature probe: an uncompressed message claiming expect_compressed must be rejected.
      await expectCode(unary(client, 'UnaryCall', largeRequest({ expect_compressed: { value: true } })),
        grpc.status.INVALID_ARGUMENT, 'uncompressed probe with expect_compressed=true');
      // 2. Compressed message (gzip channel) with expect_compressed=true.
      clientWire.reset();
      const compressed = await unary(gzipClient, 'UnaryCall', largeRequest({ expect_compressed: { value: true } }));
      assert.deepEqual(clientWire.sent, [1], 'grpc-js did not actually send the request compressed (server grpc-accept-encoding without gzip?)');
      assertZeroPayload(compressed.response.payload, 314159, 'compressed request');
      // 3. Uncompressed message with expect_compressed=false.
      clientWire.reset();
      const plain = await unary(client, 'UnaryCall', largeRequest({ expect_compressed: { value: false } }));
      assert.deepEqual(clientWire.sent, [0], 'uncompressed request was sent compressed');
      assertZeroPayload(plain.response.payload, 314159, 'uncompressed request');
    },

    async server_compressed_unary() {
      for (const want of [true, false]) {
        clientWire.reset();
        const { response } = await unary(client, 'UnaryCall', largeRequest({ response_compressed: { value: want } }));
        assertZeroPayload(response.payload, 314159, `response_compressed=${want}`);
        // Checked with the wire-flag observer: grpc-js itself hides the flag.
        assert.deepEqual(clientWire.received, [want ? 1 : 0],
          `response_compressed=${want}: compressed flag of the response message on the wire`);
      }
    },

    async client_streaming() {
      const { call, result } = clientStreamCall(client, 'StreamingInputCall');
      for (const size of [27182, 8, 1828, 45904]) call.write({ payload: { body: zeros(size) } });
      call.end();
      const { err, response } = await result;
      if (err) throw err;
      assert.equal(response.aggregated_payload_size, 74922, 'aggregated_payload_size');
    },

    async client_compressed_streaming() {
      // 1. Feature probe: uncompressed message with expect_compressed=true must be rejected.
      {
        const { call, result } = clientStreamCall(client, 'StreamingInputCall');
        call.write({ expect_compressed: { value: true }, payload: { body: zeros(27182) } });
        call.end();
        const { err } = await result;
        assert.ok(err, 'uncompressed probe with expect_compressed=true: expected INVALID_ARGUMENT, call succeeded');
        assert.equal(statusName(err.code), 'INVALID_ARGUMENT', `probe status (details: ${err.details})`);
      }
      // 2./3. One compressed message, then one with compression disabled for that message only.
      clientWire.reset();
      const { call, result } = clientStreamCall(gzipClient, 'StreamingInputCall');
      call.write({ expect_compressed: { value: true }, payload: { body: zeros(27182) } });
      call.write({ expect_compressed: { value: false }, payload: { body: zeros(45904) } }, WRITE_FLAG_NO_COMPRESS);
      call.end();
      const { err, response } = await result;
      if (err) throw err;
      assert.deepEqual(clientWire.sent, [1, 0], 'compressed flags of the two request messages as sent by grpc-js');
      assert.equal(response.aggregated_payload_size, 73086, 'aggregated_payload_size');
    },

    async server_streaming() {
      const sizes = [31415, 9, 2653, 58979];
      const reader = new StreamReader(client.StreamingOutputCall({
        response_type: 'COMPRESSABLE', response_parameters: sizes.map((size) => ({ size })),
      }, { deadline: deadline() }));
      const responses = await reader.drain();
      assert.deepEqual(responses.map((r) => r.payload.body.length), sizes, 'response sizes in order');
      responses.forEach((r, i) => assertZeroPayload(r.payload, sizes[i], `response ${i}`));
    },

    async server_compressed_streaming() {
      clientWire.reset();
      const reader = new StreamReader(client.StreamingOutputCall({
        response_type: 'COMPRESSABLE',
        response_parameters: [
          { compressed: { value: true }, size: 31415 },
          { compressed: { value: false }, size: 92653 },
        ],
      }, { deadline: deadline() }));
      const responses = await reader.drain();
      assert.deepEqual(responses.map((r) => r.payload.body.length), [31415, 92653], 'response sizes in order');
      // Checked with the wire-flag observer: grpc-js itself hides the flag.
      assert.deepEqual(clientWire.received, [1, 0], 'compressed flags of the two responses on the wire');
    },

    async ping_pong() {
      const call = client.FullDuplexCall({ deadline: deadline() });
      const reader = new StreamReader(call);
      const steps = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
      for (const [responseSize, requestSize] of steps) {
        call.write({
          response_type: 'COMPRESSABLE', response_parameters: [{ size: responseSize }], payload: { body: zeros(requestSize) },
        });
        const response = await reader.next();
        assert.ok(response, `stream ended before the response of size ${responseSize}`);
        assertZeroPayload(response.payload, responseSize, 'ping_pong response');
      }
      call.end();
      const rest = await reader.drain();
      assert.equal(rest.length, 0, 'unexpected extra responses');
    },

    async empty_stream() {
      const call = client.FullDuplexCall({ deadline: deadline() });
      const reader = new StreamReader(call);
      call.end();
      const responses = await reader.drain();
      assert.equal(responses.length, 0, 'expected zero responses');
    },

    async custom_metadata() {
      const unaryResult = await unary(client, 'UnaryCall', largeRequest(), { metadata: echoMetadataRequest() });
      assertZeroPayload(unaryResult.response.payload, 314159, 'UnaryCall');
      assertEchoedMetadata(unaryResult.headers, unaryResult.trailers, 'UnaryCall');

      const call = client.FullDuplexCall(echoMetadataRequest(), { deadline: deadline() });
      const reader = new StreamReader(call);
      call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 314159 }], payload: { body: zeros(271828) } });
      call.end();
      const responses = await reader.drain();
      assert.equal(responses.length, 1, 'FullDuplexCall response count');
      assertZeroPayload(responses[0].payload, 314159, 'FullDuplexCall');
      assertEchoedMetadata(reader.headers, reader.status?.metadata, 'FullDuplexCall');
    },

    async status_code_and_message() {
      const message = 'test status message';
      const err = await expectCode(unary(client, 'UnaryCall', statusRequest(message)), 2, 'UnaryCall');
      assert.equal(err.details, message, 'UnaryCall status message');

      const call = client.FullDuplexCall({ deadline: deadline() });
      const reader = new StreamReader(call);
      call.write(statusRequest(message));
      call.end();
      const streamErr = await reader.failure();
      assert.equal(statusName(streamErr.code), statusName(2), 'FullDuplexCall status code');
      assert.equal(streamErr.details, message, 'FullDuplexCall status message');
    },

    async special_status_message() {
      const message = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n';
      const err = await expectCode(unary(client, 'UnaryCall', statusRequest(message)), 2, 'UnaryCall');
      assert.equal(err.details, message, 'status message must round-trip exactly, including whitespace');
    },

    async unimplemented_method() {
      await expectCode(unary(client, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED, 'TestService/UnimplementedCall');
    },

    async unimplemented_service() {
      await expectCode(unary(unimplementedServiceClient, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED,
        'UnimplementedService/UnimplementedCall');
    },

    async cancel_after_begin() {
      const { call, result } = clientStreamCall(client, 'StreamingInputCall');
      call.cancel();
      const { err } = await result;
      assert.ok(err, 'expected CANCELLED, call succeeded');
      assert.equal(statusName(err.code), 'CANCELLED');
    },

    async cancel_after_first_response() {
      const call = client.FullDuplexCall({ deadline: deadline() });
      const reader = new StreamReader(call);
      call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
      const first = await reader.next();
      assert.ok(first, 'stream ended before the first response');
      assertZeroPayload(first.payload, 31415, 'first response');
      call.cancel();
      const err = await reader.failure();
      assert.equal(statusName(err.code), 'CANCELLED');
    },

    async timeout_on_sleeping_server() {
      const call = client.FullDuplexCall({ deadline: Date.now() + 1 });
      const reader = new StreamReader(call);
      call.write({ payload: { body: zeros(27182) } });
      const err = await reader.failure();
      assert.equal(statusName(err.code), 'DEADLINE_EXCEEDED', `details: ${err.details}`);
    },
  };
}

export const TEST_CASES = [
  'empty_unary', 'large_unary', 'client_streaming', 'server_streaming', 'ping_pong', 'empty_stream',
  'custom_metadata', 'status_code_and_message', 'special_status_message', 'unimplemented_method',
  'unimplemented_service', 'cancel_after_begin', 'cancel_after_first_response', 'timeout_on_sleeping_server',
  'client_compressed_unary', 'server_compressed_unary', 'client_compressed_streaming', 'server_compressed_streaming',
];

async function runClient(flags) {
  if (parseBool(flags.use_tls, 'use_tls')) throw new Error('--use_tls=true is not supported by this peer');
  const host = flags.server_host ?? '127.0.0.1';
  const port = Number(flags.server_port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid --server_port: ${flags.server_port}`);
  const name = flags.test_case;
  if (!TEST_CASES.includes(name)) throw new Error(`unknown --test_case: ${name}`);

  installClientWireObservers();
  const testing = loadTestingPackage();
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const creds = grpc.credentials.createInsecure();
  const base = { 'grpc.use_local_subchannel_pool': 1 };
  if (flags.server_host_override) base['grpc.default_authority'] = flags.server_host_override;
  const ctx = {
    client: new testing.TestService(target, creds, base),
    gzipClient: new testing.TestService(target, creds, { ...base, 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip }),
    unimplementedServiceClient: new testing.UnimplementedService(target, creds, base),
  };
  const clients = Object.values(ctx);
  // Connect first (bounded), so that even the 1 ms deadline case really goes over the wire.
  await Promise.all(clients.map((c) => new Promise((resolve, reject) => {
    c.waitForReady(deadline(), (err) => (err ? reject(new Error(`cannot connect to ${target}: ${err.message}`)) : resolve()));
  })));
  try {
    await makeCases(ctx)[name]();
  } finally {
    clients.forEach((c) => c.close());
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  const flags = parseFlags(rest);
  if (mode === 'server') return runServer(flags);
  if (mode === 'client') {
    const watchdog = setTimeout(() => {
      console.error(`FAIL ${flags.test_case}: watchdog fired after ${CLIENT_WATCHDOG_MS} ms`);
      process.exit(3);
    }, CLIENT_WATCHDOG_MS);
    try {
      await runClient(flags);
    } catch (err) {
      const details = err.code !== undefined ? ` [status ${statusName(err.code)}: ${JSON.stringify(err.details)}]` : '';
      console.error(`FAIL ${flags.test_case}: ${err.stack ?? err}${details}`);
      process.exit(1);
    }
    clearTimeout(watchdog);
    console.log(`PASS ${flags.test_case}`);
    process.exit(0);
  }
  throw new Error('usage: interop.mjs server --port=N --use_tls=false | client --server_host=H --server_port=N --test_case=NAME --use_tls=false');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.stack ?? String(err));
    process.exit(2);
  });
}

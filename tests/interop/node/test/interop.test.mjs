// gRPC (HTTP/2, h2c) interop in both directions between the program under test
// ($EDGEACCESS_INTEROP_CMD) and the grpc-js peer in ../interop.mjs:
//
//   grpc-js client      -> program-under-test server
//   program-under-test client -> grpc-js server
//
// One test per (direction, case). A case passes when the client process exits 0.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOST, INTEROP_MJS, programUnderTest, freePorts, startServer, stopProcess, runCommand, describeRun,
} from '../lib/proc.mjs';
import { TEST_CASES } from '../interop.mjs';

const CLIENT_TIMEOUT_MS = 30_000;
const SERVER_START_TIMEOUT_MS = 60_000;

// Cases a grpc-js *server* cannot satisfy: grpc-js never sets the compressed flag on responses,
// so a correct client must FAIL them against it (the spec requires the client to check the
// flag). They still run, but are reported as TODO instead of counting as failures of the
// program under test. A TODO that passes ("ok ... # TODO") means the client did not check the
// compressed flag at all.
const NO_RESPONSE_COMPRESSION = 'grpc-js servers never compress responses (flag always 0): a correct client fails this; '
  + 'a pass means the client does not check the compressed flag';
const GRPCJS_SERVER_LIMITATIONS = {
  server_compressed_unary: NO_RESPONSE_COMPRESSION,
  server_compressed_streaming: NO_RESPONSE_COMPRESSION,
};

let put; // argv prefix of the program under test, or the error explaining why it is missing
try {
  put = programUnderTest();
} catch (err) {
  put = err;
}

if (put instanceof Error) {
  test('EDGEACCESS_INTEROP_CMD must be set', () => { throw put; });
} else {
  const servers = {};
  let putPort;
  let grpcjsPort;

  before(async () => {
    [putPort, grpcjsPort] = await freePorts(2);
    const [putServer, grpcjsServer] = await Promise.allSettled([
      startServer([...put, 'server', `--port=${putPort}`, '--use_tls=false'], putPort,
        { name: 'program-under-test server', timeoutMs: SERVER_START_TIMEOUT_MS }),
      startServer([process.execPath, INTEROP_MJS, 'server', `--port=${grpcjsPort}`, '--use_tls=false'], grpcjsPort,
        { name: 'grpc-js server', timeoutMs: SERVER_START_TIMEOUT_MS }),
    ]);
    if (putServer.status === 'fulfilled') servers.put = putServer.value;
    if (grpcjsServer.status === 'fulfilled') servers.grpcjs = grpcjsServer.value;
    const failures = [putServer, grpcjsServer].filter((r) => r.status === 'rejected').map((r) => r.reason.message);
    if (failures.length) throw new Error(failures.join('\n\n'));
  }, { timeout: SERVER_START_TIMEOUT_MS + 10_000 });

  after(async () => {
    await Promise.all(Object.values(servers).map((s) => stopProcess(s)));
  }, { timeout: 20_000 });

  const clientArgs = (port, name) => [
    `--server_host=${HOST}`, `--server_port=${port}`, `--test_case=${name}`, '--use_tls=false',
  ];

  async function runCase(argv, server) {
    const r = await runCommand(argv, { timeoutMs: CLIENT_TIMEOUT_MS });
    assert.ok(r.code === 0 && !r.timedOut,
      `${describeRun(argv, r)}${server && server.hasExited() ? `\n--- ${server.name} has exited; its output ---\n${server.log}` : ''}`);
  }

  for (const name of TEST_CASES) {
    test(`grpc-js client -> program server: ${name}`, { timeout: CLIENT_TIMEOUT_MS + 5_000 }, () =>
      runCase([process.execPath, INTEROP_MJS, 'client', ...clientArgs(putPort, name)], servers.put));
  }

  for (const name of TEST_CASES) {
    const todo = GRPCJS_SERVER_LIMITATIONS[name];
    test(`program client -> grpc-js server: ${name}`, { timeout: CLIENT_TIMEOUT_MS + 5_000, todo }, () =>
      runCase([...put, 'client', ...clientArgs(grpcjsPort, name)], servers.grpcjs));
  }
}

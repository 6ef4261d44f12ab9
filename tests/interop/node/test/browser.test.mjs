// gRPC-web from a real headless Chromium (Debian /usr/bin/chromium driven by playwright-core).
//
// The page (web/ bundled by vite into dist/) is served by a Node http server on one loopback
// port; the program-under-test server runs on another port with --cors_origin set to the page's
// origin, so every call is cross-origin and CORS is enforced by the browser for real. The page
// runs connect-web in binary and text format and writes its observations into the DOM.
// A second copy of the page on a non-allowed origin must be refused by CORS.
// Screenshots go to artifacts/ (git-ignored).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  HOST, NODE_DIR, programUnderTest, freePorts, startServer, stopProcess,
} from '../lib/proc.mjs';

const DIST_DIR = path.join(NODE_DIR, 'dist');
const ARTIFACTS_DIR = path.join(NODE_DIR, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SERVER_START_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 60_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json', '.css': 'text/css', '.ico': 'image/x-icon',
};

/** Static file server for dist/ on HOST:port (no directory escapes). */
function serveDist(port) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${HOST}`);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.join(DIST_DIR, path.normalize(rel));
    if (!file.startsWith(DIST_DIR + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

let put;
try {
  put = programUnderTest();
} catch (err) {
  put = err;
}

if (put instanceof Error) {
  test('EDGEACCESS_INTEROP_CMD must be set', () => { throw put; });
} else {
  const state = { pages: {}, console: [], grpcServer: null, webServers: [], context: null, userDataDir: null };

  /** Loads the page from `origin`, waits (bounded) for it to finish, returns parsed results. */
  async function runPage(origin, serverUrl, label, scenarios) {
    const page = await state.context.newPage();
    page.on('console', (m) => state.console.push(`[${label}] console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => state.console.push(`[${label}] pageerror: ${e.message}`));
    page.on('requestfailed', (r) => state.console.push(`[${label}] requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    const query = new URLSearchParams({ server: serverUrl, ...(scenarios ? { scenarios: scenarios.join(',') } : {}) });
    await page.goto(`${origin}/index.html?${query}`, { timeout: PAGE_TIMEOUT_MS });
    await page.waitForSelector('body[data-state="done"]', { timeout: PAGE_TIMEOUT_MS });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `browser-${label}.png`), fullPage: true });
    const text = await page.textContent('#results');
    await page.close();
    return JSON.parse(text);
  }

  before(async () => {
    if (!fs.existsSync(path.join(DIST_DIR, 'index.html'))) {
      throw new Error(`${DIST_DIR}/index.html is missing: build the page first (run.sh does: npx vite build)`);
    }
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });

    // The page calls the program's gRPC-web (HTTP/1.1) listener; --port is its h2c listener.
    const [grpcPort, pagePort, otherPagePort, h2cPort] = await freePorts(4);
    const pageOrigin = `http://${HOST}:${pagePort}`;
    const otherOrigin = `http://${HOST}:${otherPagePort}`;
    const serverUrl = `http://${HOST}:${grpcPort}`;
    state.webServers = [await serveDist(pagePort), await serveDist(otherPagePort)];
    state.grpcServer = await startServer(
      [...put, 'server', `--port=${h2cPort}`, `--web_port=${grpcPort}`, '--use_tls=false', `--cors_origin=${pageOrigin}`], grpcPort,
      { name: 'program-under-test server', timeoutMs: SERVER_START_TIMEOUT_MS });

    state.userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgeaccess-chromium-'));
    state.context = await chromium.launchPersistentContext(state.userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000,
    });
    state.context.setDefaultTimeout(PAGE_TIMEOUT_MS);

    state.pages.allowed = await runPage(pageOrigin, serverUrl, 'allowed-origin');
    state.pages.disallowed = await runPage(otherOrigin, serverUrl, 'disallowed-origin', ['empty_call']);
  }, { timeout: SERVER_START_TIMEOUT_MS + 3 * PAGE_TIMEOUT_MS });

  after(async () => {
    await state.context?.close().catch(() => {});
    if (state.userDataDir) fs.rmSync(state.userDataDir, { recursive: true, force: true });
    await Promise.all(state.webServers.map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); })));
    await stopProcess(state.grpcServer);
  }, { timeout: 30_000 });

  const diagnostics = () => `\n--- browser console ---\n${state.console.join('\n')}`
    + (state.grpcServer?.hasExited() ? `\n--- server exited; output ---\n${state.grpcServer.log}` : '');

  /** The observation of one scenario on the allowed-origin page; fails with the page's error. */
  function observed(format, name) {
    const page = state.pages.allowed;
    assert.ok(!page.pageError, `page error: ${page.pageError}${diagnostics()}`);
    const r = page[format]?.[name];
    assert.ok(r, `no result for ${format}/${name}${diagnostics()}`);
    assert.ok(r.ok, `${format}/${name} failed in the browser: ${r.error} ${r.cause}\nwire: ${JSON.stringify(r.wire)}${diagnostics()}`);
    return r.value;
  }

  for (const format of ['binary', 'text']) {
    const t = (name, fn) => test(`chromium [${format}] ${name}`, fn);

    t('unary calls (EmptyCall, 271828/314159-byte UnaryCall)', () => {
      const empty = observed(format, 'empty_call');
      assert.equal(empty.ok, true);
      assert.match(empty.responseContentType ?? '', format === 'text' ? /^application\/grpc-web-text/i : /^application\/grpc-web(?!-text)/i);
      assert.deepEqual(observed(format, 'large_unary'), { bodyLength: 314159, allZero: true });
    });

    t('server streaming', () => {
      assert.deepEqual(observed(format, 'server_streaming'), { sizes: [31415, 9, 2653, 58979], allZero: true });
    });

    t('error status (code 2 with message, special message, unimplemented)', () => {
      assert.deepEqual(observed(format, 'status_code_and_message'),
        { failed: true, code: 2, codeName: 'Unknown', rawMessage: 'test status message' });
      assert.deepEqual(observed(format, 'special_status_message'), {
        failed: true, code: 2, codeName: 'Unknown',
        rawMessage: '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n',
      });
      const unimplemented = observed(format, 'unimplemented_method');
      assert.equal(unimplemented.codeName, 'Unimplemented', JSON.stringify(unimplemented));
    });

    t('deadline exceeded', () => {
      const r = observed(format, 'deadline_exceeded');
      assert.equal(r.codeName, 'DeadlineExceeded', JSON.stringify(r));
    });

    t('custom -bin trailer echo (trailer travels in the body)', () => {
      const r = observed(format, 'custom_metadata');
      assert.equal(r.unary.trailingHex, 'ababab', JSON.stringify(r));
      assert.equal(r.streaming.trailingHex, 'ababab', JSON.stringify(r));
    });

    t('custom initial header visible to the page (needs Access-Control-Expose-Headers)', () => {
      const r = observed(format, 'custom_metadata');
      assert.equal(r.unary.initial, 'test_initial_metadata_value', JSON.stringify(r));
      assert.equal(r.streaming.initial, 'test_initial_metadata_value', JSON.stringify(r));
    });
  }

  test('chromium: page on a non-allowed origin is blocked by CORS', () => {
    // Only meaningful if the very same call works from the allowed origin.
    for (const format of ['binary', 'text']) observed(format, 'empty_call');
    const page = state.pages.disallowed;
    assert.ok(!page.pageError, `page error: ${page.pageError}`);
    for (const format of ['binary', 'text']) {
      const r = page[format]?.empty_call;
      assert.ok(r, `no result for ${format}${diagnostics()}`);
      assert.equal(r.ok, false, `${format}: the call succeeded from a disallowed origin: ${JSON.stringify(r)}`);
    }
    const corsErrors = state.console.filter((l) => l.startsWith('[disallowed-origin]') && /CORS|Access-Control/i.test(l));
    assert.ok(corsErrors.length > 0, `expected Chromium to report a CORS refusal${diagnostics()}`);
  });
}

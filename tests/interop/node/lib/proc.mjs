// Process and port helpers shared by the test drivers. Everything here is bounded in time and
// only ever talks to 127.0.0.1.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const INTEROP_MJS = path.join(NODE_DIR, 'interop.mjs');
export const HOST = '127.0.0.1';

/**
 * The program under test, as an argv prefix. Fails loudly when EDGEACCESS_INTEROP_CMD is unset:
 * these suites must never be silently skipped.
 */
export function programUnderTest() {
  const raw = process.env.EDGEACCESS_INTEROP_CMD;
  if (!raw || !raw.trim()) {
    throw new Error('EDGEACCESS_INTEROP_CMD is not set. Set it to the command prefix of the program under test, '
      + 'e.g. EDGEACCESS_INTEROP_CMD="dotnet /path/EdgeAccess.Interop.dll" (or "node <repo>/tests/interop/node/interop.mjs" '
      + 'to self-test the harness).');
  }
  return splitCommand(raw);
}

/** Minimal POSIX-shell-like word splitting: whitespace separates, '…' and "…" quote, \ escapes. */
export function splitCommand(str) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < str.length; i++) {
    const ch = str[i];
    if (quote === "'") {
      if (ch === "'") quote = null; else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < str.length && '"\\$`'.includes(str[i + 1])) word += str[++i];
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== null) { words.push(word); word = null; }
    } else {
      word ??= '';
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\' && i + 1 < str.length) word += str[++i];
      else word += ch;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in command: ${str}`);
  if (word !== null) words.push(word);
  return words;
}

/** A currently free loopback TCP port (the OS picks it; released right away for the child to bind). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** Keeps the last `limit` characters of a growing log. */
function tailBuffer(limit = 64 * 1024) {
  let text = '';
  return {
    append(chunk) { text = (text + chunk).slice(-limit); },
    get text() { return text; },
  };
}

/** Starts a long-running process (a server). Output is captured for diagnostics. */
export function startProcess(argv, { name = argv.join(' '), env } = {}) {
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  liveChildren.add(child);
  const log = tailBuffer();
  child.stdout.setEncoding('utf8').on('data', (d) => log.append(d));
  child.stderr.setEncoding('utf8').on('data', (d) => log.append(d));
  const exited = new Promise((resolve) => {
    child.on('error', (err) => { log.append(`\n[spawn error] ${err.message}\n`); });
    child.on('close', (code, signal) => { liveChildren.delete(child); resolve({ code, signal }); });
  });
  return {
    name,
    child,
    exited,
    get log() { return log.text; },
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Stops a process started with startProcess: SIGTERM, then SIGKILL after `graceMs`. Bounded. */
export async function stopProcess(proc, graceMs = 5_000) {
  if (!proc || proc.hasExited()) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await Promise.race([proc.exited, new Promise((r) => setTimeout(r, graceMs + 2_000))]);
  clearTimeout(timer);
}

/** Waits until something accepts TCP connections on HOST:port (bounded); fails early if `proc` dies. */
export async function waitForTcp(port, { timeoutMs = 60_000, proc } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc?.hasExited()) {
      const how = proc.child.signalCode ? `was killed by ${proc.child.signalCode}` : `exited with ${proc.child.exitCode}`;
      throw new Error(`${proc.name} ${how} before accepting connections on ${HOST}:${port}\n--- output ---\n${proc.log}`);
    }
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ host: HOST, port });
      const done = (result) => { socket.destroy(); resolve(result); };
      socket.setTimeout(1_000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) {
      throw new Error(`nothing accepted TCP connections on ${HOST}:${port} within ${timeoutMs} ms`
        + (proc ? `\n--- ${proc.name} output ---\n${proc.log}` : ''));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a server process and waits until it accepts connections. */
export async function startServer(argv, port, { name, timeoutMs } = {}) {
  const proc = startProcess(argv, { name });
  try {
    await waitForTcp(port, { timeoutMs, proc });
  } catch (err) {
    await stopProcess(proc);
    throw err;
  }
  return proc;
}

/** Runs a short-lived command to completion, killing it after `timeoutMs`. */
export function runCommand(argv, { timeoutMs = 30_000, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    liveChildren.add(child);
    const stdout = tailBuffer();
    const stderr = tailBuffer();
    let timedOut = false;
    let spawnError = null;
    child.stdout.setEncoding('utf8').on('data', (d) => stdout.append(d));
    child.stderr.setEncoding('utf8').on('data', (d) => stderr.append(d));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (err) => { spawnError = err; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, timedOut, spawnError, stdout: stdout.text, stderr: stderr.text });
    });
  });
}

/** One-line description of a finished command, for assertion messages. */
export function describeRun(argv, r) {
  const how = r.spawnError ? `could not be started (${r.spawnError.message})`
    : r.timedOut ? 'timed out and was killed'
      : r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`;
  return `${argv.join(' ')} ${how}\n--- stderr ---\n${r.stderr.trim()}\n--- stdout ---\n${r.stdout.trim()}`;
}

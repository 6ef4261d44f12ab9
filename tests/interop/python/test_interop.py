#!/usr/bin/python3
"""Interop matrix: the grpcio peer (interop.py) against the program under test, both directions.

The program under test is the command prefix in EDGEACCESS_INTEROP_CMD, for example
"dotnet /path/EdgeAccess.Interop.dll"; it must accept the same subcommands and flags as
interop.py ("server --port=N --use_tls=false", "client --server_host=H --server_port=N
--test_case=NAME --use_tls=false"). Without it every test fails.

One test per (direction, case):
  PythonClientVsProgramServer.test_<case>   python client  -> program-under-test server
  ProgramClientVsPythonServer.test_<case>   program client -> python server

Usage: test_interop.py [-k PATTERN ...]. The last line printed is always
"python-interop: N passed, N failed"; the exit status is non-zero unless every test passed.
Environment: EDGEACCESS_INTEROP_CMD (required), EDGEACCESS_INTEROP_CASE_TIMEOUT (seconds per
client run, default 30), EDGEACCESS_INTEROP_STARTUP_TIMEOUT (seconds for a server to accept
connections, default 60).
"""

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import interop  # noqa: E402  (for TEST_CASES and generating the protos once, up front)

ENV_COMMAND = "EDGEACCESS_INTEROP_CMD"
LOOPBACK = "127.0.0.1"
CLIENT_TIMEOUT_S = float(os.environ.get("EDGEACCESS_INTEROP_CASE_TIMEOUT", "30"))
STARTUP_TIMEOUT_S = float(os.environ.get("EDGEACCESS_INTEROP_STARTUP_TIMEOUT", "60"))
STOP_TIMEOUT_S = 5.0
TAIL_CHARS = 3000

PYTHON_PEER = [sys.executable, str(HERE / "interop.py")]


def program_command():
    command = os.environ.get(ENV_COMMAND, "").strip()
    if not command:
        raise RuntimeError("%s is not set: it must hold the command prefix of the program under "
                           "test, e.g. 'dotnet /path/EdgeAccess.Interop.dll'" % ENV_COMMAND)
    return shlex.split(command)


def python_command():
    return list(PYTHON_PEER)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def tail(text, limit=TAIL_CHARS):
    text = (text or "").rstrip()
    return text if len(text) <= limit else "...\n" + text[-limit:]


def kill_group(process, signum):
    """Signals the process group of a child started with start_new_session=True, so that
    wrapper scripts and their children go too."""
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class PeerServer:
    """A server subprocess on a free loopback port, its output kept in a log file."""

    def __init__(self, name, command):
        self.name = name
        self.command = command
        self.port = None
        self.process = None
        self.log = None
        self.restarts = 0

    def start(self):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+b", prefix="interop-server-")
        argv = self.command + ["server", "--port=%d" % self.port, "--use_tls=false"]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_accepting(argv)
        except BaseException:
            self.stop()
            raise

    def _wait_until_accepting(self, argv):
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError("%s server exited with code %d before accepting connections "
                                   "(%s)\n--- server output ---\n%s"
                                   % (self.name, code, " ".join(argv), self.output()))
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1.0):
                    return
            except OSError:
                pass
            if time.monotonic() >= deadline:
                raise RuntimeError("%s server did not accept connections on %s:%d within %.0f s "
                                   "(%s)\n--- server output ---\n%s"
                                   % (self.name, LOOPBACK, self.port, STARTUP_TIMEOUT_S,
                                      " ".join(argv), self.output()))
            time.sleep(0.1)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def output(self):
        if self.log is None:
            return ""
        self.log.flush()
        self.log.seek(0)
        return tail(self.log.read().decode("utf-8", "replace"))

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            kill_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                kill_group(self.process, signal.SIGKILL)
                try:
                    self.process.wait(STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    pass
        # Whatever else is left in the group (e.g. children of a wrapper script).
        if self.process is not None:
            kill_group(self.process, signal.SIGKILL)
        if self.log is not None:
            self.log.close()
        self.process = None
        self.log = None


def run_client(command, port, case):
    """Runs one client case; returns (exit code or None on timeout, stdout, stderr)."""
    argv = command + ["client", "--server_host=%s" % LOOPBACK, "--server_port=%d" % port,
                      "--test_case=%s" % case, "--use_tls=false"]
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               text=True, errors="replace")
    try:
        out, err = process.communicate(timeout=CLIENT_TIMEOUT_S)
        return process.returncode, out, err
    except subprocess.TimeoutExpired:
        kill_group(process, signal.SIGKILL)
        try:
            out, err = process.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            out, err = "", "(no output: client could not be reaped)"
        return None, out, err
    finally:
        kill_group(process, signal.SIGKILL)


class _Matrix(unittest.TestCase):
    """One direction of the matrix: a server started once per class, a client per test."""

    server_name = None
    client_name = None
    server_command = None  # staticmethod returning the command prefix
    client_command = None
    server = None

    @classmethod
    def setUpClass(cls):
        # Resolve both commands before starting anything: a missing EDGEACCESS_INTEROP_CMD
        # fails the whole class loudly.
        server_command = cls.server_command()
        cls.client_command()
        cls.server = PeerServer(cls.server_name, server_command)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
            cls.server = None

    def setUp(self):
        # A server that died in an earlier case is restarted, so one crash does not fail the
        # rest of the matrix (the case during which it died has already failed).
        if not self.server.running():
            self.server.stop()
            self.server.restarts += 1
            self.server.start()

    def run_case(self, case):
        code, out, err = run_client(self.client_command(), self.server.port, case)
        server_died = not self.server.running()
        if code == 0 and not server_died:
            return
        if code is None:
            verdict = "client did not finish within %.0f s" % CLIENT_TIMEOUT_S
        elif code == 0:
            verdict = "client passed, but the server exited during the case"
        else:
            verdict = "client exited with code %d" % code
            if server_died:
                verdict += "; the server exited during the case"
        self.fail("%s [%s client -> %s server]: %s\n--- client stderr ---\n%s\n"
                  "--- client stdout ---\n%s\n--- server output (tail) ---\n%s"
                  % (case, self.client_name, self.server_name, verdict, tail(err), tail(out),
                     self.server.output()))


class PythonClientVsProgramServer(_Matrix):
    server_name = "program-under-test"
    client_name = "python"
    server_command = staticmethod(program_command)
    client_command = staticmethod(python_command)


class ProgramClientVsPythonServer(_Matrix):
    server_name = "python"
    client_name = "program-under-test"
    server_command = staticmethod(python_command)
    client_command = staticmethod(program_command)


def _add_case_tests():
    for cls in (PythonClientVsProgramServer, ProgramClientVsPythonServer):
        for case in interop.TEST_CASES:
            def test(self, case=case):
                self.run_case(case)

            test.__name__ = "test_" + case
            test.__doc__ = "%s: %s client -> %s server" % (case, cls.client_name, cls.server_name)
            setattr(cls, test.__name__, test)


_add_case_tests()


class _CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main(argv=None):
    parser = argparse.ArgumentParser(description="Python interop matrix driver")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only run tests whose id contains PATTERN (repeatable)")
    args = parser.parse_args(argv)

    out = sys.stdout
    if not os.environ.get(ENV_COMMAND, "").strip():
        print("ERROR: %s is not set; every test will fail." % ENV_COMMAND, file=out)

    loader = unittest.TestLoader()
    loader.testNamePatterns = [p if "*" in p else "*%s*" % p for p in args.patterns] or None
    suite = unittest.TestSuite()
    for cls in (PythonClientVsProgramServer, ProgramClientVsPythonServer):
        suite.addTests(loader.loadTestsFromTestCase(cls))
    total = suite.countTestCases()

    passed = 0
    try:
        interop.generate_protos()  # once, before any peer starts
        runner = unittest.TextTestRunner(stream=out, verbosity=2, resultclass=_CountingResult)
        passed = runner.run(suite).passed
    except Exception as error:  # noqa: BLE001 - reported, and counted as failures below
        print("ERROR: %s" % error, file=out)
    finally:
        for cls in (PythonClientVsProgramServer, ProgramClientVsPythonServer):
            cls.tearDownClass()
    if total == 0:
        print("ERROR: no test selected", file=out)
    failed = total - passed

    sys.stderr.flush()
    out.flush()
    out.write("python-interop: %d passed, %d failed\n" % (passed, failed))
    out.flush()
    # Exit without interpreter shutdown, so nothing can be printed after the summary line.
    os._exit(0 if failed == 0 and total > 0 else 1)


if __name__ == "__main__":
    main()

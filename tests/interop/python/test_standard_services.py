#!/usr/bin/python3
"""The standard gRPC services of EdgeAccess, called by grpcio (Debian's python3-grpcio).

Starts the program under test as a server ("<EDGEACCESS_INTEROP_CMD> server --port=N
--use_tls=false"; it maps grpc.testing.TestService, grpc.health.v1.Health and
grpc.reflection.v1alpha.ServerReflection) and checks, over h2c:
  Health.Check                 SERVING for the server and a mapped service, NOT_FOUND otherwise
  Health.Watch                 the current status first, the call stays open
  ServerReflectionInfo         list_services, file_containing_symbol (file and its imports, linked
                               into a descriptor pool as grpcurl would), file_by_filename, and
                               error_response NOT_FOUND for an unknown symbol

Python stubs are generated at run time with grpc_tools.protoc from our own .proto files
(lib/EdgeAccess.Grpc/Protos), into a temporary folder removed at exit. The grpc_health and
grpc_reflection packages are not used: Debian does not ship them.

Usage: /usr/bin/python3 test_standard_services.py [unittest arguments]. The last line printed is
always "python-standard: N passed, N failed"; the exit status is non-zero unless all passed.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool  # noqa: E402

# The same launcher conventions as the interop matrix.
from test_interop import free_port, program_command  # noqa: E402

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parents[2] / "lib" / "EdgeAccess.Grpc" / "Protos"
PROTO_DIRS = {"health": "grpc/health/v1", "reflection": "grpc/reflection/v1alpha"}
LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = float(os.environ.get("EDGEACCESS_INTEROP_STARTUP_TIMEOUT", "60"))
RPC_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0

NOT_FOUND = 5
TEST_SERVICE = "grpc.testing.TestService"


def generate_stubs(target):
    """Generates <name>_pb2 and <name>_pb2_grpc for health and reflection into target; imports them.

    Each file is compiled with its own folder as the include path, so the modules are top-level
    (health_pb2, not grpc.health.v1.health_pb2, which would collide with grpcio's package). The
    proto package, and so every wire name, is unchanged.
    """
    from grpc_tools import protoc

    for name, folder in PROTO_DIRS.items():
        include = PROTO_ROOT / folder
        rc = protoc.main(["protoc", "-I" + str(include), "--python_out=" + str(target),
                          "--grpc_python_out=" + str(target), str(include / (name + ".proto"))])
        if rc != 0:
            raise RuntimeError("grpc_tools.protoc failed for %s.proto with exit code %d" % (name, rc))
    sys.path.insert(0, str(target))
    import health_pb2, health_pb2_grpc, reflection_pb2, reflection_pb2_grpc  # noqa: E401

    return health_pb2, health_pb2_grpc, reflection_pb2, reflection_pb2_grpc


class Server:
    """The program under test as a server subprocess on a free loopback port."""

    def __init__(self, command):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+b", prefix="standard-services-")
        argv = command + ["server", "--port=%d" % self.port, "--use_tls=false"]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError("server exited with code %s before accepting connections (%s)\n%s"
                                   % (self.process.returncode, " ".join(argv), output))
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1.0):
                    return
            except OSError:
                pass
            if time.monotonic() >= deadline:
                output = self.output()
                self.stop()
                raise RuntimeError("server did not accept connections within %.0f s (%s)\n%s"
                                   % (STARTUP_TIMEOUT_S, " ".join(argv), output))
            time.sleep(0.1)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-3000:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT_S)
        self.log.close()


class StandardServicesTest(unittest.TestCase):
    server = None
    channel = None
    scratch = None

    @classmethod
    def setUpClass(cls):
        command = program_command()
        cls.scratch = tempfile.mkdtemp(prefix="edgeaccess-standard-")
        (cls.health_pb2, health_grpc, cls.reflection_pb2, reflection_grpc) = generate_stubs(cls.scratch)
        cls.server = Server(command)
        cls.channel = grpc.insecure_channel("%s:%d" % (LOOPBACK, cls.server.port))
        grpc.channel_ready_future(cls.channel).result(timeout=RPC_TIMEOUT_S)
        cls.health = health_grpc.HealthStub(cls.channel)
        cls.reflection = reflection_grpc.ServerReflectionStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        if cls.channel is not None:
            cls.channel.close()
        if cls.server is not None:
            cls.server.stop()
        if cls.scratch is not None:
            shutil.rmtree(cls.scratch, ignore_errors=True)

    # --- health -----------------------------------------------------------------------------

    def check(self, service):
        return self.health.Check(self.health_pb2.HealthCheckRequest(service=service), timeout=RPC_TIMEOUT_S)

    def test_health_check_server_is_serving(self):
        self.assertEqual(self.check("").status, self.health_pb2.HealthCheckResponse.SERVING)

    def test_health_check_mapped_services_are_serving(self):
        for service in (TEST_SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"):
            with self.subTest(service=service):
                self.assertEqual(self.check(service).status, self.health_pb2.HealthCheckResponse.SERVING)

    def test_health_check_unknown_service_is_not_found(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.check("no.such.Service")
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_health_watch_sends_current_status_and_stays_open(self):
        call = self.health.Watch(self.health_pb2.HealthCheckRequest(service=TEST_SERVICE), timeout=RPC_TIMEOUT_S)
        try:
            first = next(call)
            self.assertEqual(first.status, self.health_pb2.HealthCheckResponse.SERVING)
            self.assertTrue(call.is_active())
        finally:
            call.cancel()
        self.assertEqual(call.code(), grpc.StatusCode.CANCELLED)

    # --- reflection -------------------------------------------------------------------------

    def exchange(self, *requests):
        responses = list(self.reflection.ServerReflectionInfo(iter(requests), timeout=RPC_TIMEOUT_S))
        self.assertEqual(len(responses), len(requests))
        return responses

    def files_of(self, response):
        self.assertEqual(response.WhichOneof("message_response"), "file_descriptor_response")
        return [descriptor_pb2.FileDescriptorProto.FromString(data)
                for data in response.file_descriptor_response.file_descriptor_proto]

    def test_reflection_list_services(self):
        request = self.reflection_pb2.ServerReflectionRequest(host="localhost", list_services="")
        (response,) = self.exchange(request)
        names = {service.name for service in response.list_services_response.service}
        self.assertEqual(names, {TEST_SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"})
        self.assertEqual(response.original_request, request)

    def test_reflection_file_containing_symbol_links_with_dependencies(self):
        (response,) = self.exchange(
            self.reflection_pb2.ServerReflectionRequest(file_containing_symbol=TEST_SERVICE))
        files = self.files_of(response)
        self.assertEqual(files[0].name, "grpc/testing/test.proto")
        self.assertEqual(sorted(f.name for f in files),
                         ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"])
        # What grpcurl-like clients do: add them to a descriptor pool, dependencies first.
        pool = descriptor_pool.DescriptorPool()
        pending = list(files)
        while pending:
            ready = next(f for f in pending if all(d not in {p.name for p in pending} for d in f.dependency))
            pool.Add(ready)
            pending.remove(ready)
        method = pool.FindMethodByName(TEST_SERVICE + ".UnaryCall")
        self.assertEqual(method.input_type.full_name, "grpc.testing.SimpleRequest")

    def test_reflection_file_containing_method_and_by_filename(self):
        by_method, by_name = self.exchange(
            self.reflection_pb2.ServerReflectionRequest(file_containing_symbol=TEST_SERVICE + ".EmptyCall"),
            self.reflection_pb2.ServerReflectionRequest(file_by_filename="grpc/health/v1/health.proto"))
        self.assertEqual(self.files_of(by_method)[0].name, "grpc/testing/test.proto")
        health_file = self.files_of(by_name)[0]
        self.assertEqual(health_file.package, "grpc.health.v1")
        self.assertEqual([s.name for s in health_file.service], ["Health"])

    def test_reflection_unknown_symbol_is_not_found(self):
        (response,) = self.exchange(
            self.reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"))
        self.assertEqual(response.WhichOneof("message_response"), "error_response")
        self.assertEqual(response.error_response.error_code, NOT_FOUND)


class _CountingResult(unittest.TextTestResult):
    """Counts the tests that passed, so tests a failed setUpClass never ran count as failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main():
    runner = unittest.TextTestRunner(verbosity=2, resultclass=_CountingResult)
    program = unittest.main(module=__name__, testRunner=runner, exit=False)
    result = program.result
    total = max(program.test.countTestCases(), 1)
    passed = result.passed
    failed = total - passed - len(result.skipped)
    print("python-standard: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""grpcio interop peer for EdgeAccess (server and client of the gRPC interop suite).

    interop.py server --port=N --use_tls=false
    interop.py client --server_host=H --server_port=N --test_case=NAME --use_tls=false

Behaviour follows "Interoperability Test Case Descriptions" (doc/interop-test-descriptions.md in
grpc/grpc); section names of that document are cited in the comments below. The contract is
tests/EdgeAccess.Interop/Protos/grpc/testing/*.proto; Python code for it is generated at run time
with grpc_tools.protoc into .gen/ next to this file (ignored by git, never committed).

Observing the compressed-message flag: grpcio exposes neither the flag of a received message nor
the grpc-encoding header. Both peers therefore switch off grpc-core's per-message decompression
(channel argument grpc.per_message_decompression=0): core then hands a message whose compressed
flag is set to the deserializer still compressed, and we gunzip it here. Only identity and gzip
are enabled, so a compressed message always starts with the gzip magic 1f 8b. A serialized
protobuf message can never start with byte 0x1f (that would be a tag with wire type 7, which does
not exist), so "starts with 1f 8b" is exactly "the compressed flag was set".

Exit status of the client: 0 when the case passed; 1 with a one-line reason on stderr when it
failed; 2 for usage/setup errors; 3 when the watchdog stopped a case that ran too long.
"""

import argparse
import gzip
import hashlib
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parents[1] / "EdgeAccess.Interop" / "Protos"
PROTO_FILES = ("grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto")
GEN_ROOT = HERE / ".gen"

GZIP_MAGIC = b"\x1f\x8b"

# Channel/server arguments shared by both peers (see the module docstring).
CORE_OPTIONS = (
    ("grpc.per_message_decompression", 0),
    # Bit set over grpc_compression_algorithm: bit 0 identity, bit 1 deflate, bit 2 gzip.
    ("grpc.compression_enabled_algorithms_bitset", 0b101),
)

# Every RPC the client makes carries this deadline, so no wait can outlive it.
RPC_TIMEOUT_S = 10.0
# Hard cap on a whole client run, below the 30 s the driver allows per case.
WATCHDOG_S = 25.0
CONNECT_TIMEOUT_S = 10.0

# Metadata keys of "Echo Metadata" / custom_metadata.
ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
ECHO_INITIAL_VALUE = "test_initial_metadata_value"
ECHO_TRAILING_VALUE = b"\xab\xab\xab"

STATUS_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


# --------------------------------------------------------------------------------------------
# Generated code
# --------------------------------------------------------------------------------------------

class Protos:
    """The generated modules: empty_pb2, messages_pb2 and test_pb2 (package grpc.testing)."""

    def __init__(self, empty, messages, test):
        self.empty = empty
        self.messages = messages
        self.test = test
        self._by_file = {empty.DESCRIPTOR.name: empty, messages.DESCRIPTOR.name: messages}

    def message_class(self, descriptor):
        return getattr(self._by_file[descriptor.file.name], descriptor.name)

    def service(self, name):
        return self.test.DESCRIPTOR.services_by_name[name]


def _generation_key():
    import google.protobuf
    import grpc_tools

    digest = hashlib.sha256()
    for name in PROTO_FILES:
        digest.update(name.encode())
        digest.update((PROTO_ROOT / name).read_bytes())
    digest.update(google.protobuf.__version__.encode())
    digest.update(getattr(grpc_tools, "__version__", "").encode())
    return digest.hexdigest()[:16]


def generate_protos():
    """Generates the Python code for the contract once per proto content; returns its folder.

    Generation goes to a private temporary folder that is then renamed into place, so several
    processes starting at the same time never see half-written files.
    """
    from grpc_tools import protoc

    target = GEN_ROOT / _generation_key()
    if (target / "grpc" / "testing" / "test_pb2.py").is_file():
        return target
    GEN_ROOT.mkdir(parents=True, exist_ok=True)
    ignore = GEN_ROOT / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Generated at run time by interop.py; never commit.\n*\n")
    scratch = Path(tempfile.mkdtemp(prefix="tmp-", dir=GEN_ROOT))
    os.chmod(scratch, 0o755)
    try:
        args = ["protoc", "-I" + str(PROTO_ROOT), "--python_out=" + str(scratch)]
        rc = protoc.main(args + [str(PROTO_ROOT / name) for name in PROTO_FILES])
        if rc != 0:
            raise RuntimeError("grpc_tools.protoc failed with exit code %d" % rc)
        # A regular package, so it wins over any other "grpc.testing" on grpc.__path__.
        (scratch / "grpc" / "testing" / "__init__.py").write_text("")
        try:
            os.rename(scratch, target)
        except OSError:
            if not (target / "grpc" / "testing" / "test_pb2.py").is_file():
                raise
            # Another process got there first; its copy is identical.
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def load_protos():
    # The generated modules live in Python package grpc.testing (they import each other as
    # "from grpc.testing import empty_pb2"), which is nested in grpcio's own "grpc" package.
    # Put the generated folder first on that package's search path.
    generated = generate_protos()
    grpc.__path__.insert(0, str(generated / "grpc"))
    from grpc.testing import empty_pb2, messages_pb2, test_pb2

    return Protos(empty_pb2, messages_pb2, test_pb2)


def serializer(message_class):
    return message_class.SerializeToString


def received_deserializer(message_class):
    """Deserializer returning (message, compressed); see the module docstring."""

    def deserialize(data):
        compressed = data[:2] == GZIP_MAGIC
        if compressed:
            data = gzip.decompress(data)
        return message_class.FromString(data), compressed

    return deserialize


def parse_bool(text):
    value = text.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError("expected true or false, got %r" % text)


def one_line(text):
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------

class TestServiceImpl:
    """grpc.testing.TestService, per the "Server" part of the descriptions.

    Every request handler receives (message, compressed) pairs. UnimplementedCall is deliberately
    not registered, so calling it yields UNIMPLEMENTED (unimplemented_method).
    """

    def __init__(self, pb):
        self.pb = pb
        self.m = pb.messages

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _echo_metadata(context):
        """Echo Metadata: x-grpc-test-echo-initial comes back, key and value unchanged, as initial
        metadata; x-grpc-test-echo-trailing-bin as trailing metadata. Returns the initial
        metadata to send (the caller sends it once the response compression is decided)."""
        initial, trailing = [], []
        for key, value in context.invocation_metadata():
            if key == ECHO_INITIAL_KEY:
                initial.append((key, value))
            elif key == ECHO_TRAILING_KEY:
                trailing.append((key, value))
        if trailing:
            context.set_trailing_metadata(tuple(trailing))
        return tuple(initial)

    @staticmethod
    def _check_compression(context, expect_compressed, compressed):
        """CompressedRequest: expect_compressed=true on an uncompressed message fails the RPC with
        INVALID_ARGUMENT. Like the reference (C++) server we are strict both ways: a compressed
        message whose expect_compressed is false/unset is rejected as well."""
        expected = expect_compressed.value
        if expected and not compressed:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "Expected a compressed request (expect_compressed=true), "
                          "but the message's compressed flag is not set.")
        if compressed and not expected:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "Got a compressed request, but expect_compressed is not true.")

    def _check_response_type(self, context, response_type):
        # UnaryCall: "If the server does not support the response_type, then it should fail the
        # RPC with INVALID_ARGUMENT." COMPRESSABLE is the only type of the contract.
        if response_type != self.m.COMPRESSABLE:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "Unsupported response_type %d." % response_type)

    def _payload(self, context, size):
        if size < 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Negative payload size %d." % size)
        return self.m.Payload(type=self.m.COMPRESSABLE, body=bytes(size))

    @staticmethod
    def _echo_status(context, request):
        """Echo Status: a request carrying response_status ends the RPC with that code and
        message. Returns True when the RPC must end now with an OK status."""
        if not request.HasField("response_status"):
            return False
        status = request.response_status
        if status.code == 0:
            context.set_details(status.message)
            return True
        code = STATUS_BY_NUMBER.get(status.code, grpc.StatusCode.UNKNOWN)
        context.abort(code, status.message)
        return True  # not reached: abort raises

    def _streamed_responses(self, context, headers, request):
        """Responses for one StreamingOutputCallRequest: one per ResponseParameters, in order,
        each with a body of `size` zeros (StreamingOutputCall / FullDuplexCall), sleeping
        interval_us before each (Observe ResponseParameters.interval_us) and compressed
        when `compressed` is true (CompressedResponse)."""
        self._check_response_type(context, request.response_type)
        wanted = [params.HasField("compressed") and params.compressed.value
                  for params in request.response_parameters]
        if wanted:
            headers.ensure_sent(any(wanted))
        for params, want_compressed in zip(request.response_parameters, wanted):
            if params.interval_us > 0:
                time.sleep(params.interval_us / 1e6)
            if headers.compressing and not want_compressed:
                context.disable_next_message_compression()
            yield self.m.StreamingOutputCallResponse(payload=self._payload(context, params.size))

    # -- methods ------------------------------------------------------------------------------

    def EmptyCall(self, request, context):
        # EmptyCall: immediately returns the empty message.
        initial = self._echo_metadata(context)
        if initial:
            context.send_initial_metadata(initial)
        return self.pb.empty.Empty()

    def UnaryCall(self, request, context):
        request, compressed = request
        initial = self._echo_metadata(context)
        # CompressedResponse: response_compressed=true -> the response is sent compressed.
        if request.HasField("response_compressed") and request.response_compressed.value:
            context.set_compression(grpc.Compression.Gzip)
        if initial:
            context.send_initial_metadata(initial)
        self._check_compression(context, request.expect_compressed, compressed)
        self._check_response_type(context, request.response_type)
        # UnaryCall: payload body of response_size zero bytes.
        response = self.m.SimpleResponse()
        if request.response_size > 0:
            response.payload.CopyFrom(self._payload(context, request.response_size))
        self._echo_status(context, request)
        return response

    def CacheableUnaryCall(self, request, context):
        # CacheableUnaryCall: payload is the current time in nanoseconds, cacheable for 60 s.
        context.send_initial_metadata((("cache-control", "max-age=60, public"),))
        stamp = str(time.time_ns()).encode()
        return self.m.SimpleResponse(payload=self.m.Payload(type=self.m.COMPRESSABLE, body=stamp))

    def StreamingOutputCall(self, request, context):
        # StreamingOutputCall: one response per ResponseParameters, then OK.
        request, _ = request
        headers = _Headers(context, self._echo_metadata(context))
        if self._echo_status(context, request):
            return
        yield from self._streamed_responses(context, headers, request)
        headers.ensure_sent(False)

    def StreamingInputCall(self, request_iterator, context):
        # StreamingInputCall: on half-close, aggregated_payload_size = sum of all request bodies.
        initial = self._echo_metadata(context)
        if initial:
            context.send_initial_metadata(initial)
        total = 0
        for request, compressed in request_iterator:
            self._check_compression(context, request.expect_compressed, compressed)
            total += len(request.payload.body)
        return self.m.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        # FullDuplexCall: answers each request as it arrives; OK after half-close.
        headers = _Headers(context, self._echo_metadata(context))
        for request, _ in request_iterator:
            if self._echo_status(context, request):
                headers.ensure_sent(False)
                return
            yield from self._streamed_responses(context, headers, request)
        headers.ensure_sent(False)

    def HalfDuplexCall(self, request_iterator, context):
        # HalfDuplexCall: buffers every request until half-close, then answers them in order.
        headers = _Headers(context, self._echo_metadata(context))
        requests = [request for request, _ in request_iterator]
        for request in requests:
            if self._echo_status(context, request):
                headers.ensure_sent(False)
                return
            yield from self._streamed_responses(context, headers, request)
        headers.ensure_sent(False)


class _Headers:
    """Sends a streaming RPC's initial metadata once: the echoed metadata, plus grpc-encoding: gzip
    when the first request with response parameters asks for any compressed response. The
    encoding travels with the headers, so a later request cannot switch compression on; its
    compressed=true responses then go out uncompressed (no interop case does that)."""

    def __init__(self, context, initial):
        self.context = context
        self.initial = initial
        self.sent = False
        self.compressing = False

    def ensure_sent(self, compress):
        if self.sent:
            return
        if compress:
            self.context.set_compression(grpc.Compression.Gzip)
            self.compressing = True
        if self.initial:
            self.context.send_initial_metadata(self.initial)
        self.sent = True


def build_handler(pb, impl):
    service = pb.service("TestService")
    handlers = {}
    for method in service.methods:
        behaviour = getattr(impl, method.name, None)
        if behaviour is None or method.name == "UnimplementedCall":
            continue
        request_deserializer = received_deserializer(pb.message_class(method.input_type))
        response_serializer = serializer(pb.message_class(method.output_type))
        factory = {
            (False, False): grpc.unary_unary_rpc_method_handler,
            (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler,
            (True, True): grpc.stream_stream_rpc_method_handler,
        }[(method.client_streaming, method.server_streaming)]
        handlers[method.name] = factory(behaviour, request_deserializer=request_deserializer,
                                        response_serializer=response_serializer)
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


def run_server(args):
    if args.use_tls:
        print("interop server: --use_tls=true is not supported by this peer", file=sys.stderr)
        return 2
    pb = load_protos()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=CORE_OPTIONS)
    server.add_generic_rpc_handlers((build_handler(pb, TestServiceImpl(pb)),))
    address = "127.0.0.1:%d" % args.port
    if server.add_insecure_port(address) == 0:
        print("interop server: cannot listen on %s" % address, file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    print("interop server: listening on %s" % address, file=sys.stderr, flush=True)
    while not stop.wait(1.0):
        pass
    server.stop(grace=1.0).wait(5.0)
    # Handlers still blocked in a call (a client that vanished mid-stream) must not keep the
    # process alive: leave without waiting for the worker threads.
    sys.stderr.flush()
    os._exit(0)


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------

class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


class Stub:
    """Callables for every method of a service; each response arrives as (message, compressed)."""

    def __init__(self, channel, pb, service_name):
        service = pb.service(service_name)
        for method in service.methods:
            factory = {
                (False, False): channel.unary_unary,
                (False, True): channel.unary_stream,
                (True, False): channel.stream_unary,
                (True, True): channel.stream_stream,
            }[(method.client_streaming, method.server_streaming)]
            path = "/%s/%s" % (service.full_name, method.name)
            setattr(self, method.name, factory(
                path,
                request_serializer=serializer(pb.message_class(method.input_type)),
                response_deserializer=received_deserializer(pb.message_class(method.output_type))))


class RequestStream:
    """A request iterator fed from the test: send() queues a message, close() half-closes. The
    wait for the next message is bounded; after RPC_TIMEOUT_S it half-closes on its own."""

    _END = object()

    def __init__(self):
        self._queue = queue.Queue()

    def send(self, message):
        self._queue.put(message)

    def close(self):
        self._queue.put(self._END)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            item = self._queue.get(timeout=RPC_TIMEOUT_S)
        except queue.Empty:
            raise StopIteration
        if item is self._END:
            raise StopIteration
        return item


class UncompressedWrites:
    """Makes selected messages of a gzip-compressed client stream go out uncompressed
    (client_compressed_streaming sends its second message uncompressed on the compressed call).

    grpcio has no public per-message write flags for client streams (servers have
    disable_next_message_compression). Its request-iterator consumer builds each send operation
    with the module constant grpc._channel._EMPTY_FLAGS immediately after taking the next message
    from our iterator, in the same thread, and waits for the send to finish before taking the
    next one. Setting that constant to WriteFlag.no_compress while the iterator hands out a
    message therefore marks exactly that message "do not compress". Only valid while no other
    RPC is started in parallel, which holds for a single test case.
    """

    def __init__(self):
        from grpc import _channel
        from grpc._cython import cygrpc

        self._channel = _channel
        self._no_compress = cygrpc.WriteFlag.no_compress
        if getattr(_channel, "_EMPTY_FLAGS", None) != 0:
            raise CaseFailure("this grpcio (%s) lacks grpc._channel._EMPTY_FLAGS; cannot send an "
                              "uncompressed message on a compressed call" % grpc.__version__)

    def begin(self):
        self._channel._EMPTY_FLAGS = self._no_compress

    def end(self):
        self._channel._EMPTY_FLAGS = 0


def large_request(pb, **fields):
    """The SimpleRequest of large_unary and the cases built on it: response_size 314159 and a
    payload of 271828 zero bytes, plus `fields`."""
    return pb.messages.SimpleRequest(response_size=314159,
                                     payload=pb.messages.Payload(body=bytes(271828)), **fields)


def expect_payload(message, size, what):
    body = message.payload.body
    check(len(body) == size, "%s: payload body is %d bytes, expected %d" % (what, len(body), size))
    check(body == bytes(size), "%s: payload body is not all zeros" % what)


def expect_rpc_error(error, code, what, details=None):
    check(isinstance(error, grpc.RpcError), "%s: call succeeded, expected status %s"
          % (what, code.name))
    check(error.code() == code, "%s: status %s (%r), expected %s"
          % (what, error.code().name, error.details(), code.name))
    if details is not None:
        check(error.details() == details, "%s: status message %r, expected %r"
              % (what, error.details(), details))


def call_error(function, *args, **kwargs):
    """Runs an RPC that is expected to fail; returns its RpcError (or None if it succeeded)."""
    try:
        function(*args, **kwargs)
    except grpc.RpcError as error:
        return error
    return None


def metadata_values(metadata, key):
    return [item.value for item in (metadata or ()) if item.key == key]


class InteropClient:
    """The client test cases, each named after its section of the descriptions."""

    def __init__(self, channel, pb):
        self.pb = pb
        self.m = pb.messages
        self.stub = Stub(channel, pb, "TestService")
        self.unimplemented_stub = Stub(channel, pb, "UnimplementedService")

    def empty_unary(self):
        response, _ = self.stub.EmptyCall(self.pb.empty.Empty(), timeout=RPC_TIMEOUT_S)
        check(response is not None and response == self.pb.empty.Empty(),
              "EmptyCall returned %r, expected an empty message" % response)

    def large_unary(self):
        response, _ = self.stub.UnaryCall(large_request(self.pb), timeout=RPC_TIMEOUT_S)
        expect_payload(response, 314159, "UnaryCall response")

    def client_compressed_unary(self):
        true, false = self.m.BoolValue(value=True), self.m.BoolValue(value=False)
        # 1. Feature probe: expect_compressed=true on an *uncompressed* message must fail with
        #    INVALID_ARGUMENT (CompressedRequest).
        error = call_error(self.stub.UnaryCall, large_request(self.pb, expect_compressed=true),
                           timeout=RPC_TIMEOUT_S)
        expect_rpc_error(error, grpc.StatusCode.INVALID_ARGUMENT,
                         "probe (uncompressed request with expect_compressed=true)")
        # 2. The same request, compressed.
        response, _ = self.stub.UnaryCall(large_request(self.pb, expect_compressed=true),
                                          compression=grpc.Compression.Gzip, timeout=RPC_TIMEOUT_S)
        expect_payload(response, 314159, "compressed request")
        # 3. Uncompressed, expect_compressed=false.
        response, _ = self.stub.UnaryCall(large_request(self.pb, expect_compressed=false),
                                          timeout=RPC_TIMEOUT_S)
        expect_payload(response, 314159, "uncompressed request")

    def server_compressed_unary(self):
        for wanted in (True, False):
            request = large_request(self.pb,
                                    response_compressed=self.m.BoolValue(value=wanted))
            response, compressed = self.stub.UnaryCall(request, timeout=RPC_TIMEOUT_S)
            what = "response_compressed=%s" % str(wanted).lower()
            check(compressed == wanted, "%s: response compressed flag is %s"
                  % (what, "set" if compressed else "not set"))
            expect_payload(response, 314159, what)

    def client_streaming(self):
        requests = [self.m.StreamingInputCallRequest(payload=self.m.Payload(body=bytes(size)))
                    for size in (27182, 8, 1828, 45904)]
        response, _ = self.stub.StreamingInputCall(iter(requests), timeout=RPC_TIMEOUT_S)
        check(response.aggregated_payload_size == 74922,
              "aggregated_payload_size %d, expected 74922" % response.aggregated_payload_size)

    def client_compressed_streaming(self):
        true, false = self.m.BoolValue(value=True), self.m.BoolValue(value=False)
        first = self.m.StreamingInputCallRequest(expect_compressed=true,
                                                 payload=self.m.Payload(body=bytes(27182)))
        second = self.m.StreamingInputCallRequest(expect_compressed=false,
                                                  payload=self.m.Payload(body=bytes(45904)))
        # 1. Probe: an *uncompressed* message with expect_compressed=true must fail the call
        #    with INVALID_ARGUMENT.
        error = call_error(self.stub.StreamingInputCall, iter([first]), timeout=RPC_TIMEOUT_S)
        expect_rpc_error(error, grpc.StatusCode.INVALID_ARGUMENT,
                         "probe (uncompressed message with expect_compressed=true)")
        # 2./3. One call: the first message compressed, the second one uncompressed; half-close.
        writes = UncompressedWrites()

        def requests():
            yield first
            writes.begin()
            yield second
            writes.end()

        try:
            response, _ = self.stub.StreamingInputCall(
                requests(), compression=grpc.Compression.Gzip, timeout=RPC_TIMEOUT_S)
        finally:
            writes.end()
        check(response.aggregated_payload_size == 73086,
              "aggregated_payload_size %d, expected 73086" % response.aggregated_payload_size)

    def server_streaming(self):
        sizes = (31415, 9, 2653, 58979)
        request = self.m.StreamingOutputCallRequest(
            response_parameters=[self.m.ResponseParameters(size=size) for size in sizes])
        responses = list(self.stub.StreamingOutputCall(request, timeout=RPC_TIMEOUT_S))
        check(len(responses) == len(sizes), "%d responses, expected 4" % len(responses))
        for index, ((response, _), size) in enumerate(zip(responses, sizes)):
            expect_payload(response, size, "response %d" % (index + 1))

    def server_compressed_streaming(self):
        plan = ((True, 31415), (False, 92653))
        request = self.m.StreamingOutputCallRequest(response_parameters=[
            self.m.ResponseParameters(size=size, compressed=self.m.BoolValue(value=wanted))
            for wanted, size in plan])
        responses = list(self.stub.StreamingOutputCall(request, timeout=RPC_TIMEOUT_S))
        check(len(responses) == 2, "%d responses, expected 2" % len(responses))
        for index, ((response, compressed), (wanted, size)) in enumerate(zip(responses, plan)):
            what = "response %d (compressed=%s)" % (index + 1, str(wanted).lower())
            check(compressed == wanted, "%s: compressed flag is %s"
                  % (what, "set" if compressed else "not set"))
            expect_payload(response, size, what)

    def ping_pong(self):
        plan = ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904))
        requests = RequestStream()
        call = self.stub.FullDuplexCall(requests, timeout=RPC_TIMEOUT_S)
        try:
            for index, (response_size, request_size) in enumerate(plan):
                requests.send(self.m.StreamingOutputCallRequest(
                    response_parameters=[self.m.ResponseParameters(size=response_size)],
                    payload=self.m.Payload(body=bytes(request_size))))
                response, _ = next(call, (None, None))
                check(response is not None,
                      "stream ended after %d responses, expected 4" % index)
                expect_payload(response, response_size, "response %d" % (index + 1))
            requests.close()
            extra = list(call)
            check(not extra, "%d responses after the fourth, expected none" % len(extra))
        finally:
            requests.close()
        check(call.code() == grpc.StatusCode.OK, "call ended with %s" % call.code().name)

    def empty_stream(self):
        responses = list(self.stub.FullDuplexCall(iter(()), timeout=RPC_TIMEOUT_S))
        check(not responses, "%d responses, expected none" % len(responses))

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE),
                    (ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE))

        def check_echo(call, what):
            initial = metadata_values(call.initial_metadata(), ECHO_INITIAL_KEY)
            check(initial == [ECHO_INITIAL_VALUE], "%s: initial metadata %s is %r, expected [%r]"
                  % (what, ECHO_INITIAL_KEY, initial, ECHO_INITIAL_VALUE))
            trailing = metadata_values(call.trailing_metadata(), ECHO_TRAILING_KEY)
            check(trailing == [ECHO_TRAILING_VALUE], "%s: trailing metadata %s is %r, expected [%r]"
                  % (what, ECHO_TRAILING_KEY, trailing, ECHO_TRAILING_VALUE))

        # 1. UnaryCall.
        (response, _), call = self.stub.UnaryCall.with_call(
            large_request(self.pb), metadata=metadata, timeout=RPC_TIMEOUT_S)
        expect_payload(response, 314159, "UnaryCall response")
        check_echo(call, "UnaryCall")
        # 2. FullDuplexCall with one request, then half-close.
        request = self.m.StreamingOutputCallRequest(
            response_parameters=[self.m.ResponseParameters(size=314159)],
            payload=self.m.Payload(body=bytes(271828)))
        call = self.stub.FullDuplexCall(iter([request]), metadata=metadata, timeout=RPC_TIMEOUT_S)
        responses = list(call)
        check(len(responses) == 1, "FullDuplexCall: %d responses, expected 1" % len(responses))
        expect_payload(responses[0][0], 314159, "FullDuplexCall response")
        check_echo(call, "FullDuplexCall")

    def _echo_status_calls(self, code, message):
        status = self.m.EchoStatus(code=code, message=message)
        # UnaryCall with response_status.
        error = call_error(self.stub.UnaryCall, self.m.SimpleRequest(response_status=status),
                           timeout=RPC_TIMEOUT_S)
        expect_rpc_error(error, STATUS_BY_NUMBER[code], "UnaryCall", details=message)
        return status

    def status_code_and_message(self):
        message = "test status message"
        status = self._echo_status_calls(2, message)
        # FullDuplexCall with response_status, then half-close.
        request = self.m.StreamingOutputCallRequest(response_status=status)
        error = call_error(lambda: list(self.stub.FullDuplexCall(iter([request]),
                                                                 timeout=RPC_TIMEOUT_S)))
        expect_rpc_error(error, grpc.StatusCode.UNKNOWN, "FullDuplexCall", details=message)

    def special_status_message(self):
        self._echo_status_calls(2, "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP "
                                   "\U0001f608\t\n")

    def unimplemented_method(self):
        error = call_error(self.stub.UnimplementedCall, self.pb.empty.Empty(),
                           timeout=RPC_TIMEOUT_S)
        expect_rpc_error(error, grpc.StatusCode.UNIMPLEMENTED, "TestService/UnimplementedCall")

    def unimplemented_service(self):
        error = call_error(self.unimplemented_stub.UnimplementedCall, self.pb.empty.Empty(),
                           timeout=RPC_TIMEOUT_S)
        expect_rpc_error(error, grpc.StatusCode.UNIMPLEMENTED,
                         "UnimplementedService/UnimplementedCall")

    def cancel_after_begin(self):
        # Start StreamingInputCall without sending any message, then cancel at once.
        requests = RequestStream()
        future = self.stub.StreamingInputCall.future(requests, timeout=RPC_TIMEOUT_S)
        try:
            future.cancel()
        finally:
            requests.close()
        check(future.cancelled(), "call was not cancelled")
        check(future.code() == grpc.StatusCode.CANCELLED,
              "call ended with %s, expected CANCELLED" % future.code().name)

    def cancel_after_first_response(self):
        requests = RequestStream()
        call = self.stub.FullDuplexCall(requests, timeout=RPC_TIMEOUT_S)
        try:
            requests.send(self.m.StreamingOutputCallRequest(
                response_parameters=[self.m.ResponseParameters(size=31415)],
                payload=self.m.Payload(body=bytes(27182))))
            response, _ = next(call, (None, None))
            check(response is not None, "stream ended before the first response")
            expect_payload(response, 31415, "first response")
            call.cancel()
        finally:
            requests.close()
        check(call.code() == grpc.StatusCode.CANCELLED,
              "call ended with %s, expected CANCELLED" % call.code().name)

    def timeout_on_sleeping_server(self):
        # One request, no half-close, 1 ms deadline: the call must end DEADLINE_EXCEEDED.
        requests = RequestStream()
        requests.send(self.m.StreamingOutputCallRequest(payload=self.m.Payload(body=bytes(27182))))
        try:
            call = self.stub.FullDuplexCall(requests, timeout=0.001)
            error = call_error(lambda: list(call))
        finally:
            requests.close()
        expect_rpc_error(error, grpc.StatusCode.DEADLINE_EXCEEDED, "FullDuplexCall")


TEST_CASES = (
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong",
    "empty_stream", "custom_metadata", "status_code_and_message", "special_status_message",
    "unimplemented_method", "unimplemented_service", "cancel_after_begin",
    "cancel_after_first_response", "timeout_on_sleeping_server", "client_compressed_unary",
    "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming",
)


def start_watchdog(test_case):
    def expire():
        sys.stderr.write("FAIL %s: watchdog: case did not finish within %.0f s\n"
                         % (test_case, WATCHDOG_S))
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(WATCHDOG_S, expire)
    timer.daemon = True
    timer.start()


def run_client(args):
    if args.use_tls:
        print("interop client: --use_tls=true is not supported by this peer", file=sys.stderr)
        return 2
    start_watchdog(args.test_case)
    pb = load_protos()
    target = "%s:%d" % (args.server_host, args.server_port)
    with grpc.insecure_channel(target, options=CORE_OPTIONS) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=CONNECT_TIMEOUT_S)
        except grpc.FutureTimeoutError:
            print("FAIL %s: could not connect to %s within %.0f s"
                  % (args.test_case, target, CONNECT_TIMEOUT_S), file=sys.stderr)
            return 1
        case = getattr(InteropClient(channel, pb), args.test_case)
        try:
            case()
        except CaseFailure as failure:
            print("FAIL %s: %s" % (args.test_case, one_line(failure)), file=sys.stderr)
            return 1
        except grpc.RpcError as error:
            print("FAIL %s: unexpected RPC failure %s: %s"
                  % (args.test_case, error.code().name, one_line(repr(error.details()))),
                  file=sys.stderr)
            return 1
    print("PASS %s" % args.test_case)
    return 0


# --------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    server = commands.add_parser("server", help="run the TestService server")
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--use_tls", type=parse_bool, default=False)

    client = commands.add_parser("client", help="run one client test case")
    client.add_argument("--server_host", default="127.0.0.1")
    client.add_argument("--server_host_override", default=None)
    client.add_argument("--server_port", type=int, required=True)
    client.add_argument("--test_case", required=True, choices=TEST_CASES)
    client.add_argument("--use_tls", type=parse_bool, default=False)
    client.add_argument("--use_test_ca", type=parse_bool, default=False)

    args = parser.parse_args(argv)
    if args.command == "server":
        return run_server(args)
    return run_client(args)


if __name__ == "__main__":
    sys.exit(main())

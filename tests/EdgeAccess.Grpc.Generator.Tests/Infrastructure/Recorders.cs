using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Server;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Generator.Tests.Infrastructure;

/// <summary>One method a generated <c>BindService</c> registered.</summary>
public sealed record Binding(string Kind, IMethod Method, Delegate Handler);

/// <summary>Implemented by <see cref="RecordingBinder{TService}"/> for every service type.</summary>
public interface IRecordingBinder
{
    IReadOnlyList<Binding> Bindings { get; }
}

/// <summary>Records what a generated <c>ServiceBase.BindService</c> registers.</summary>
public sealed class RecordingBinder<TService> : ServiceBinder<TService>, IRecordingBinder
    where TService : class
{
    private readonly List<Binding> _bindings = [];

    public IReadOnlyList<Binding> Bindings => _bindings;

    public override void AddUnary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler) =>
        _bindings.Add(new Binding("Unary", method, handler));

    public override void AddClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler) =>
        _bindings.Add(new Binding("ClientStreaming", method, handler));

    public override void AddServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) =>
        _bindings.Add(new Binding("ServerStreaming", method, handler));

    public override void AddDuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) =>
        _bindings.Add(new Binding("DuplexStreaming", method, handler));
}

/// <summary>One call a generated client started.</summary>
public sealed record Invocation(string Kind, IMethod Method, object? Request, CallOptions Options);

/// <summary>Records the calls a generated client starts; every call completes at once, empty.</summary>
public sealed class RecordingCallInvoker : CallInvoker
{
    private readonly List<Invocation> _invocations = [];

    public IReadOnlyList<Invocation> Invocations => _invocations;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        _invocations.Add(new Invocation("Unary", method, request, options));
        return new AsyncUnaryCall<TResponse>(Task.FromResult(method.ResponseParser.ParseFrom(ByteString.Empty)), CompletedCall.Instance);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        _invocations.Add(new Invocation("ServerStreaming", method, request, options));
        return new AsyncServerStreamingCall<TResponse>(new EndedStream<TResponse>(), CompletedCall.Instance);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
    {
        _invocations.Add(new Invocation("ClientStreaming", method, null, options));
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new IgnoringWriter<TRequest>(), Task.FromResult(method.ResponseParser.ParseFrom(ByteString.Empty)), CompletedCall.Instance);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
    {
        _invocations.Add(new Invocation("DuplexStreaming", method, null, options));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(new IgnoringWriter<TRequest>(), new EndedStream<TResponse>(), CompletedCall.Instance);
    }

    private sealed class CompletedCall : ICallState
    {
        public static readonly CompletedCall Instance = new();

        public Task<Metadata> ResponseHeadersAsync => Task.FromResult(Metadata.Empty);

        public Status GetStatus() => Status.DefaultSuccess;

        public Metadata GetTrailers() => Metadata.Empty;

        public void Dispose()
        {
        }
    }

    private sealed class EndedStream<T> : IAsyncStreamReader<T>
    {
        public T Current => throw new InvalidOperationException("The stream has no messages.");

        public Task<bool> MoveNext(CancellationToken cancellationToken = default) => Task.FromResult(false);
    }

    private sealed class IgnoringWriter<T> : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;
    }
}

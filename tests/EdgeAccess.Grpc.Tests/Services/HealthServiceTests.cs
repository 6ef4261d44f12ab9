using System.Net;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Health.V1;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Services;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using HealthClient = EdgeAccess.Grpc.Health.V1.Health.Client;
using ServingStatus = EdgeAccess.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeAccess.Grpc.Tests.Services;

/// <summary>grpc.health.v1.Health served by <see cref="HealthService"/> on a real Kestrel server, called with our client.</summary>
public sealed class HealthServiceTests : IAsyncLifetime
{
    private const string TestServiceName = "grpc.testing.TestService";

    private StandardServicesServer _server = null!;
    private GrpcChannel _channel = null!;
    private HealthClient _client = null!;

    private HealthService Health => _server.Health;

    public async Task InitializeAsync()
    {
        _server = await StandardServicesServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
        _client = new HealthClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData(TestServiceName)]
    [InlineData("grpc.health.v1.Health")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection")]
    public async Task Check_MappedServiceOrServer_ReturnsServing(string service)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);

        var response = await _client.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: cts.Token)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_ThrowsNotFound()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, cancellationToken: cts.Token)
                .ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Check_AfterSetStatus_ReturnsNewStatus()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        Health.SetStatus(TestServiceName, ServingStatus.NotServing);
        Health.SetStatus("edgeaccess.Custom", ServingStatus.Serving);

        var mapped = await _client.CheckAsync(new HealthCheckRequest { Service = TestServiceName }, cancellationToken: cts.Token)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
        var custom = await _client.CheckAsync(new HealthCheckRequest { Service = "edgeaccess.Custom" }, cancellationToken: cts.Token)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(ServingStatus.NotServing, mapped.Status);
        Assert.Equal(ServingStatus.Serving, custom.Status);
    }

    [Fact]
    public async Task Check_AfterClearStatus_ThrowsNotFound()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        Health.ClearStatus(TestServiceName);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CheckAsync(new HealthCheckRequest { Service = TestServiceName }, cancellationToken: cts.Token)
                .ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_StatusChanges_SendsInitialStatusThenUpdates()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var call = _client.Watch(new HealthCheckRequest { Service = TestServiceName }, cancellationToken: cts.Token);

        Assert.Equal(ServingStatus.Serving, await ReadStatusAsync(call));
        Health.SetStatus(TestServiceName, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await ReadStatusAsync(call));
        Health.SetStatus(TestServiceName, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await ReadStatusAsync(call));
    }

    [Fact]
    public async Task Watch_UnknownService_SendsServiceUnknownThenStatusOnceKnown()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var call = _client.Watch(new HealthCheckRequest { Service = "edgeaccess.Later" }, cancellationToken: cts.Token);

        Assert.Equal(ServingStatus.ServiceUnknown, await ReadStatusAsync(call));
        Health.SetStatus("edgeaccess.Later", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await ReadStatusAsync(call));
        Health.ClearStatus("edgeaccess.Later");
        Assert.Equal(ServingStatus.ServiceUnknown, await ReadStatusAsync(call));
    }

    [Fact]
    public async Task Watch_ClientCancels_CallEndsAndServerReleasesWatcher()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var call = _client.Watch(new HealthCheckRequest { Service = TestServiceName }, cancellationToken: cts.Token);
        Assert.Equal(ServingStatus.Serving, await ReadStatusAsync(call));
        Assert.Equal(1, Health.WatcherCount);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await WaitUntilAsync(() => Health.WatcherCount == 0);
    }

    [Fact]
    public async Task Watch_ServerStopping_SendsNotServingAndEndsCallWithOk()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var call = _client.Watch(new HealthCheckRequest { Service = TestServiceName }, cancellationToken: cts.Token);
        Assert.Equal(ServingStatus.Serving, await ReadStatusAsync(call));

        // Stopping the host fires ApplicationStopping, which shuts the health service down before
        // Kestrel drains: the watch must end by itself or the stop would wait for it.
        var stopping = _server.StopAsync();

        Assert.Equal(ServingStatus.NotServing, await ReadStatusAsync(call));
        Assert.False(await call.ResponseStream.MoveNext(cts.Token).WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        await stopping.WaitAsync(TestTimeouts.Long);
        Assert.True(Health.IsShutdown);
    }

    [Fact]
    public void SetStatus_AfterShutdown_IsIgnored()
    {
        var registry = new GrpcServiceRegistry();
        var health = new HealthService(registry, NullLogger<HealthService>.Instance);
        health.SetStatus("edgeaccess.Custom", ServingStatus.Serving);

        health.Shutdown();
        health.SetStatus("edgeaccess.Custom", ServingStatus.Serving);
        health.SetStatus("edgeaccess.Other", ServingStatus.Serving);

        Assert.Equal(ServingStatus.NotServing, health.GetStatus("edgeaccess.Custom"));
        Assert.Equal(ServingStatus.NotServing, health.GetStatus(string.Empty));
        Assert.Null(health.GetStatus("edgeaccess.Other"));
    }

    [Fact]
    public void SetStatus_ServiceUnknown_Throws()
    {
        var health = new HealthService(new GrpcServiceRegistry(), NullLogger<HealthService>.Instance);

        Assert.Throws<ArgumentOutOfRangeException>(() => health.SetStatus("edgeaccess.Custom", ServingStatus.ServiceUnknown));
    }

    [Fact]
    public async Task Watch_SlowWatcher_KeepsOnlyLatestStatus()
    {
        // Driven in-process: a response stream whose writes block until released stands for a
        // client that does not read.
        var health = new HealthService(new GrpcServiceRegistry(), NullLogger<HealthService>.Instance);
        health.SetStatus("edgeaccess.Custom", ServingStatus.Serving);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        var writer = new GatedWriter();
        var watch = health.Watch(new HealthCheckRequest { Service = "edgeaccess.Custom" }, writer, new InProcessCallContext(cts.Token));
        await writer.FirstWriteStarted.Task.WaitAsync(TestTimeouts.Call);

        for (var i = 0; i < 1000; i++)
        {
            health.SetStatus("edgeaccess.Custom", i % 2 == 0 ? ServingStatus.NotServing : ServingStatus.Serving);
        }

        health.SetStatus("edgeaccess.Custom", ServingStatus.NotServing);
        writer.Gate.TrySetResult();
        await WaitUntilAsync(() => writer.Written.Count == 2);
        await cts.CancelAsync();
        await watch.WaitAsync(TestTimeouts.Call);

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing], writer.Written);
        Assert.Equal(0, health.WatcherCount);
    }

    private static async Task<ServingStatus> ReadStatusAsync(AsyncServerStreamingCall<HealthCheckResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Call), "The watch ended early.");
        return call.ResponseStream.Current.Status;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cts.Token);
        }
    }
}

/// <summary>
/// A real Kestrel server on a loopback h2c port (Kestrel picks it) with grpc.testing.TestService
/// (the interop implementation), the health service and the reflection service mapped.
/// </summary>
internal sealed class StandardServicesServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private StandardServicesServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The h2c address.</summary>
    public Uri Address { get; }

    /// <summary>The server's health service.</summary>
    public HealthService Health => _app.Services.GetRequiredService<HealthService>();

    public static async Task<StandardServicesServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.Listen(IPAddress.Loopback, 0, listen => (listen.Protocols, grpc) = (HttpProtocols.Http2, listen));
        });
        builder.Services.AddEdgeAccessGrpc();
        builder.Services.AddEdgeAccessGrpcHealth();
        builder.Services.AddEdgeAccessGrpcReflection();

        var app = builder.Build();
        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        await app.StartAsync().WaitAsync(TestTimeouts.Long);
        return new StandardServicesServer(app, new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port}"));
    }

    public Task StopAsync()
    {
        _stopped = true;
        return _app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync().WaitAsync(TestTimeouts.Long);
        }

        await _app.DisposeAsync();
    }
}

/// <summary>A response stream whose writes wait for <see cref="Gate"/>.</summary>
internal sealed class GatedWriter : IServerStreamWriter<HealthCheckResponse>
{
    private readonly Lock _lock = new();
    private readonly List<ServingStatus> _written = [];

    public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WriteOptions? WriteOptions { get; set; }

    public IReadOnlyList<ServingStatus> Written
    {
        get
        {
            lock (_lock)
            {
                return [.. _written];
            }
        }
    }

    public async Task WriteAsync(HealthCheckResponse message, CancellationToken cancellationToken = default)
    {
        FirstWriteStarted.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
        lock (_lock)
        {
            _written.Add(message.Status);
        }
    }
}

/// <summary>The little of a call a handler driven in-process needs: its cancellation token.</summary>
internal sealed class InProcessCallContext(CancellationToken cancellationToken) : ServerCallContext
{
    public override string Method => "/grpc.health.v1.Health/Watch";

    public override string Peer => "in-process";

    public override DateTime Deadline => DateTime.MaxValue;

    public override Metadata RequestHeaders { get; } = [];

    public override CancellationToken CancellationToken => cancellationToken;

    public override Metadata ResponseTrailers { get; } = [];

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompression { get; set; }

    public override string? RequestCompression => null;

    public override bool LastRequestCompressed => false;

    public override IDictionary<object, object?> UserState { get; } = new Dictionary<object, object?>();

    public override Microsoft.AspNetCore.Http.HttpContext GetHttpContext() => throw new NotSupportedException("No HTTP exchange in-process.");

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;
}

using System.Collections.Concurrent;
using System.Net;
using EdgeAccess.Cloud.Notifications.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>
/// A webhook receiver on a loopback port (real Kestrel): records every POST with its headers and
/// exact body, answers 200 unless told to answer other statuses first. Receivers dedupe on
/// <c>X-EdgeAccess-Delivery</c>; <see cref="UniqueDeliveries"/> is what such a receiver acts on.
/// </summary>
public sealed class RecordingWebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private WebApplication _app = null!;

    private RecordingWebhookReceiver()
    {
    }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The URL to subscribe (<c>http://127.0.0.1:port/hook</c>).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The distinct delivery ids received.</summary>
    public IReadOnlySet<string> UniqueDeliveries => Requests.Select(r => r.Delivery).ToHashSet(StringComparer.Ordinal);

    /// <summary>Starts a receiver.</summary>
    public static async Task<RecordingWebhookReceiver> StartAsync()
    {
        var receiver = new RecordingWebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            string Header(string name) => context.Request.Headers[name].ToString();
            receiver.Requests.Enqueue(new Received(
                Header(WebhookSignature.DeliveryHeader), Header(WebhookSignature.EventHeader), Header(WebhookSignature.TimestampHeader),
                Header(WebhookSignature.SignatureHeader), context.Request.ContentType ?? "", buffer.ToArray()));
            context.Response.StatusCode = receiver._statuses.TryDequeue(out var status) ? status : 200;
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        receiver._app = app;
        receiver.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook");
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses (then 200 again).</summary>
    public void RespondNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling), at most <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<RecordingWebhookReceiver, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!condition(this))
        {
            await Task.Delay(20, cts.Token);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    /// <summary>One received POST.</summary>
    public sealed record Received(string Delivery, string Event, string Timestamp, string Signature, string ContentType, byte[] Body);
}

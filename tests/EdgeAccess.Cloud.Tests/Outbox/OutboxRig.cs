using System.Collections.Concurrent;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Outbox;

/// <summary>
/// A migrated database with dispatchers built by hand (no hub): several dispatchers on one
/// database behave like several hub instances. Handlers are <see cref="ProbeHandler"/>s that report
/// to the shared <see cref="Probe"/>.
/// </summary>
public sealed class OutboxRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private OutboxRig(NpgsqlDataSource dataSource, ServiceProvider services, OutboxOptions options, TimeProvider time)
    {
        DataSource = dataSource;
        _services = services;
        Options = options;
        Time = time;
    }

    public const string Topic = "test.work";

    public NpgsqlDataSource DataSource { get; }

    public OutboxOptions Options { get; }

    public TimeProvider Time { get; }

    public Probe Probe => _services.GetRequiredService<Probe>();

    public static async Task<OutboxRig> CreateAsync(TimeProvider time, Action<OutboxOptions>? configure = null)
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("outbox");
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new OutboxOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var services = new ServiceCollection()
            .AddSingleton(dataSource)
            .AddSingleton<Probe>()
            .AddDbContext<HubDbContext>(o => o.UseNpgsql(dataSource))
            .AddOutboxHandler<ProbeHandler>(Topic)
            .BuildServiceProvider();
        return new OutboxRig(dataSource, services, options, time);
    }

    /// <summary>A dispatcher named <paramref name="instance"/> (start it, or call DispatchDueAsync).</summary>
    public OutboxDispatcher Dispatcher(string instance) => new(
        DataSource, _services.GetRequiredService<IServiceScopeFactory>(), _services.GetServices<OutboxHandlerRegistration>(),
        Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<OutboxDispatcher>.Instance, instance);

    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    /// <summary>Enqueues and commits <paramref name="count"/> messages (payload: their index).</summary>
    public async Task<List<Guid>> EnqueueAsync(int count, string? key = null, DateTimeOffset? dueAt = null)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var ids = Enumerable.Range(0, count).Select(i => OutboxWriter.Enqueue(db, Topic, new Work(i), key, dueAt, Time).Id).ToList();
        await db.SaveChangesAsync();
        return ids;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    public sealed record Work(int N);
}

/// <summary>What the probe handlers saw; <see cref="Behaviour"/> decides what they do.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<Guid, int> _running = new();

    public ConcurrentQueue<(Guid Id, int Attempt, string? Instance)> Calls { get; } = new();

    /// <summary>Set when one message ran twice at the same time.</summary>
    public volatile bool Overlapped;

    public Func<OutboxDelivery, CancellationToken, Task> Behaviour { get; set; } = (_, _) => Task.CompletedTask;

    public async Task RunAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        if (_running.AddOrUpdate(message.Id, 1, (_, n) => n + 1) > 1)
        {
            Overlapped = true;
        }

        try
        {
            Calls.Enqueue((message.Id, message.Attempt, null));
            await Behaviour(message, cancellationToken);
        }
        finally
        {
            _running.AddOrUpdate(message.Id, 0, (_, n) => n - 1);
        }
    }
}

public sealed class ProbeHandler(Probe probe) : IOutboxHandler
{
    public Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken) => probe.RunAsync(message, cancellationToken);
}

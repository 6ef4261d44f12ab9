using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeAccess.Bench.Rights.Diagnostics;

/// <summary>One finished span: the hub's own (<c>rights.compile</c>, <c>feed.publish</c>) or an Npgsql command/COPY.</summary>
internal sealed record Span(ActivitySpanId Id, ActivitySpanId ParentId, string Source, string Name, string? Statement, DateTime Start, TimeSpan Duration, TimeSpan? FirstResponse)
{
    public DateTime End => Start + Duration;
}

/// <summary>
/// Records the spans the product already emits (source <c>EdgeAccess.Cloud</c>) and Npgsql's
/// per-command and per-COPY spans, only while a measured operation runs, so a timing can be split
/// into phases (load, compute, diff, COPY, apply, commit) without touching product code. Sampling is
/// off outside <see cref="MeasureAsync{T}"/>, so unmeasured work creates no activities.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private static readonly ActivitySource Source = new("EdgeAccess.Bench.Rights", "1.0.0");
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Span> _spans = new();
    private volatile bool _recording;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or "EdgeAccess.Cloud" or "EdgeAccess.Bench.Rights",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _recording ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Runs <paramref name="action"/> under a root span and returns its result with the span tree.</summary>
    public async Task<(T Result, SpanTree Tree)> MeasureAsync<T>(string name, Func<Task<T>> action)
    {
        _spans.Clear();
        _recording = true;
        T result;
        Activity? root;
        try
        {
            root = Source.StartActivity(name);
            try
            {
                result = await action();
            }
            finally
            {
                root?.Stop();
            }
        }
        finally
        {
            _recording = false;
        }

        return (result, new SpanTree(root?.SpanId ?? default, [.. _spans]));
    }

    public void Dispose() => _listener.Dispose();

    private void Stopped(Activity activity)
    {
        if (!activity.Recorded)
        {
            return;
        }

        var statement = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string;
        TimeSpan? first = null;
        foreach (var e in activity.Events)
        {
            if (e.Name.Contains("first-response", StringComparison.Ordinal))
            {
                first = e.Timestamp.UtcDateTime - activity.StartTimeUtc;
                break;
            }
        }

        _spans.Enqueue(new Span(activity.SpanId, activity.ParentSpanId, activity.Source.Name, activity.DisplayName, statement, activity.StartTimeUtc, activity.Duration, first));
    }
}

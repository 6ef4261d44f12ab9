using System.Diagnostics;
using System.Globalization;

namespace EdgeAccess.Bench.Shared;

/// <summary>Percentiles of a set of durations (nearest rank on the sorted samples).</summary>
internal sealed class Stats
{
    private readonly double[] _ms;

    private Stats(double[] ms)
    {
        Array.Sort(ms);
        _ms = ms;
    }

    public int Count => _ms.Length;

    public double Max => _ms.Length == 0 ? double.NaN : _ms[^1];

    public double Mean => _ms.Length == 0 ? double.NaN : _ms.Average();

    /// <summary>From milliseconds.</summary>
    public static Stats FromMilliseconds(IEnumerable<double> ms) => new([.. ms]);

    /// <summary>From <see cref="Stopwatch"/> tick counts.</summary>
    public static Stats FromTicks(IEnumerable<long> ticks) => new([.. ticks.Select(t => t * 1000.0 / Stopwatch.Frequency)]);

    /// <summary>The <paramref name="q"/> quantile (0..1) in milliseconds.</summary>
    public double P(double q) => _ms.Length == 0 ? double.NaN : _ms[(int)Math.Min(_ms.Length - 1, Math.Ceiling(q * _ms.Length) - 1 < 0 ? 0 : Math.Ceiling(q * _ms.Length) - 1)];

    /// <summary>Share of samples at or under <paramref name="ms"/>.</summary>
    public double ShareAtOrUnder(double ms) => _ms.Length == 0 ? double.NaN : (double)_ms.Count(v => v <= ms) / _ms.Length;

    public static string Ms(double ms) => ms < 10 ? ms.ToString("F3", CultureInfo.InvariantCulture) : ms.ToString("F1", CultureInfo.InvariantCulture);

    public override string ToString() =>
        $"n {Count:N0}: p50 {Ms(P(0.5))} ms, p99 {Ms(P(0.99))} ms, p99.9 {Ms(P(0.999))} ms, max {Ms(Max)} ms";
}

namespace EdgeAccess.Bench.Rights;

internal static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    public static double Percentile(IEnumerable<TimeSpan> values, double p) =>
        Percentile(values.Select(v => v.TotalMilliseconds).Order().ToList(), p);
}

using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Tests.Protocol;

/// <summary>
/// PROTOCOL-HTTP2: Timeout → "grpc-timeout" TimeoutValue TimeoutUnit; TimeoutValue is at most 8
/// ASCII digits; TimeoutUnit is H, M, S, m (milli), u (micro) or n (nano).
/// </summary>
public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("2H", 2 * TimeSpan.TicksPerHour)]
    [InlineData("3M", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("4S", 4 * TimeSpan.TicksPerSecond)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMillisecond)]
    [InlineData("60u", 600)]
    [InlineData("700n", 7)]
    [InlineData("99999999S", 99_999_999 * TimeSpan.TicksPerSecond)]
    [InlineData("00000001m", TimeSpan.TicksPerMillisecond)]
    public void TryParse_EveryUnit_ParsesValue(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("123456789S")] // nine digits
    [InlineData("1x")] // unknown unit
    [InlineData("1h")] // units are case-sensitive: 'h' is not hours
    [InlineData("")]
    [InlineData("S")] // no digits
    [InlineData("10")] // no unit
    [InlineData("-1S")]
    [InlineData("1 S")]
    [InlineData(null)]
    public void TryParse_InvalidValue_ReturnsFalse(string? header) =>
        Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(1L)] // 100 ns
    [InlineData(999_999L)] // largest exact in nanoseconds
    [InlineData(1_000_001L)] // needs microseconds, rounded up
    [InlineData(TimeSpan.TicksPerSecond * 3 + 1)]
    [InlineData(TimeSpan.TicksPerDay * 400 + 7)]
    [InlineData(TimeSpan.TicksPerDay * 365 * 200)]
    public void Format_RoundTrip_NeverShortens(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        var header = GrpcTimeout.Format(timeout);

        Assert.InRange(header.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(header, out var parsed), header);
        Assert.True(parsed >= timeout, $"{header} parses to {parsed}, shorter than {timeout}");
    }

    [Fact]
    public void Format_ZeroOrNegative_SendsSmallestTimeout()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-5)));
    }

    // A deadline centuries away (e.g. "no deadline" spelled as DateTime.UtcNow.AddYears(500))
    // must still format as a valid header, clamped to the largest value, never as garbage.
    [Theory]
    [InlineData(TimeSpan.TicksPerDay * 365 * 300)]
    [InlineData(long.MaxValue)]
    public void Format_HugeTimeout_IsValidAndNotShorter(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        var header = GrpcTimeout.Format(timeout);

        Assert.True(GrpcTimeout.TryParse(header, out var parsed), $"'{header}' is not a valid grpc-timeout");
        Assert.True(parsed >= TimeSpan.FromHours(99_999_999) || parsed >= timeout, $"{header} shortens {timeout}");
    }
}

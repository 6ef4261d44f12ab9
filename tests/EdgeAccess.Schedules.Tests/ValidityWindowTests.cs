using NodaTime;

namespace EdgeAccess.Schedules.Tests;

public class ValidityWindowTests
{
    private static Instant T(int day) => Instant.FromUtc(2026, 1, day, 0, 0);

    private static ValidityWindow Window(int? from, int? to) => new(from is { } f ? T(f) : null, to is { } t ? T(t) : null);

    [Fact]
    public void Contains_Bounds_StartInclusiveEndExclusive()
    {
        var window = Window(10, 20);

        Assert.False(window.Contains(T(10) - Duration.Epsilon));
        Assert.True(window.Contains(T(10)));
        Assert.True(window.Contains(T(20) - Duration.Epsilon));
        Assert.False(window.Contains(T(20)));
    }

    [Fact]
    public void Contains_NullBounds_Unbounded()
    {
        Assert.True(ValidityWindow.Unbounded.Contains(Instant.MinValue));
        Assert.True(Window(null, 20).Contains(Instant.MinValue));
        Assert.True(Window(10, null).Contains(Instant.MaxValue));
    }

    [Theory]
    [InlineData(10, 10, true)]
    [InlineData(20, 10, true)]
    [InlineData(10, 11, false)]
    public void IsEmpty_BoundOrder_EmptyWhenEndNotAfterStart(int from, int to, bool expected)
    {
        Assert.Equal(expected, Window(from, to).IsEmpty);
        Assert.Equal(!expected, Window(from, to).Contains(T(from)));
    }

    [Fact]
    public void Intersect_Overlapping_LaterStartEarlierEnd()
    {
        Assert.Equal(Window(15, 20), Window(10, 20).Intersect(Window(15, 25)));
        Assert.Equal(Window(15, 20), Window(null, 20).Intersect(Window(15, null)));
        Assert.Equal(Window(10, 20), Window(10, 20).Intersect(ValidityWindow.Unbounded));
    }

    [Fact]
    public void Intersect_DisjointOrAdjacent_Empty()
    {
        Assert.True(Window(10, 15).Intersect(Window(20, 25)).IsEmpty);
        Assert.True(Window(10, 15).Intersect(Window(15, 25)).IsEmpty);
        Assert.False(Window(10, 15).Overlaps(Window(15, 25)));
        Assert.True(Window(10, 16).Overlaps(Window(15, 25)));
    }

    [Fact]
    public void TryUnion_OverlappingOrAdjacent_OneWindow()
    {
        Assert.True(Window(10, 15).TryUnion(Window(15, 25), out var adjacent));
        Assert.True(Window(10, 20).TryUnion(Window(null, 12), out var openStart));

        Assert.Equal(Window(10, 25), adjacent);
        Assert.Equal(Window(null, 20), openStart);
    }

    [Fact]
    public void TryUnion_Gap_ReturnsFalse()
    {
        Assert.False(Window(10, 15).TryUnion(Window(16, 25), out _));
        Assert.False(Window(16, null).TryUnion(Window(null, 15), out _));
    }

    [Fact]
    public void TryUnion_WithEmpty_ReturnsOther()
    {
        Assert.True(Window(30, 30).TryUnion(Window(10, 15), out var union));

        Assert.Equal(Window(10, 15), union);
    }

    [Fact]
    public void Merge_UnorderedWindows_SortedDisjointAndEmptiesDropped()
    {
        var merged = ValidityWindow.Merge([Window(20, 25), Window(1, 5), Window(5, 8), Window(9, 9), Window(22, null), Window(3, 4)]);

        Assert.Equal([Window(1, 8), Window(20, null)], merged);
        Assert.Equal("[2026-01-01T00:00:00Z, 2026-01-08T00:00:00Z)", merged[0].ToString());
        Assert.Equal("[-∞, ∞)", ValidityWindow.Unbounded.ToString());
    }
}

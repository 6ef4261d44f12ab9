namespace EdgeAccess.Decisions.Internal;

/// <summary>The builder's mutable rights of one card: packed rights sorted by door, grown by doubling.</summary>
internal sealed class RightsList
{
    private ulong[] _items = new ulong[4];

    public int Count { get; private set; }

    public ReadOnlySpan<ulong> Span => _items.AsSpan(0, Count);

    public void Set(int door, int termSet)
    {
        var packed = RightPacking.Pack(door, termSet);
        var at = RightPacking.Find(Span, door);
        if (at >= 0)
        {
            _items[at] = packed;
            return;
        }

        at = ~at;
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        Array.Copy(_items, at, _items, at + 1, Count - at);
        _items[at] = packed;
        Count++;
    }

    public bool Remove(int door)
    {
        var at = RightPacking.Find(Span, door);
        if (at < 0)
        {
            return false;
        }

        Array.Copy(_items, at + 1, _items, at, Count - at - 1);
        Count--;
        return true;
    }
}

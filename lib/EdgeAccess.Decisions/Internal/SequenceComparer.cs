namespace EdgeAccess.Decisions.Internal;

/// <summary>
/// Structural equality of arrays, with a span alternate key so the builder can ask "is this
/// sequence interned already?" from a scratch buffer without allocating an array first.
/// </summary>
internal sealed class SequenceComparer<T> : IEqualityComparer<T[]>, IAlternateEqualityComparer<ReadOnlySpan<T>, T[]>
    where T : IEquatable<T>
{
    public static readonly SequenceComparer<T> Instance = new();

    public bool Equals(T[]? x, T[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(T[] obj) => GetHashCode((ReadOnlySpan<T>)obj);

    public bool Equals(ReadOnlySpan<T> alternate, T[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<T> alternate)
    {
        var hash = new HashCode();
        foreach (var item in alternate)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public T[] Create(ReadOnlySpan<T> alternate) => alternate.ToArray();
}

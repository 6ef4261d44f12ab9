using System.Collections;
using System.Text;

namespace EdgeAccess.Grpc;

/// <summary>
/// Request headers, response headers or trailers of a call: an ordered list of entries whose keys
/// are lowercase ASCII. Keys ending in <c>-bin</c> carry bytes (base64 on the wire); all other
/// entries carry printable ASCII text (gRPC PROTOCOL-HTTP2, "Custom-Metadata").
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary entry.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>An empty, read-only instance.</summary>
    public static readonly Metadata Empty = new() { _readOnly = true };

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public bool IsReadOnly => _readOnly;

    /// <inheritdoc />
    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ThrowIfReadOnly();
            _entries[index] = value;
        }
    }

    /// <summary>Adds a text entry.</summary>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary entry; <paramref name="key"/> must end in <c>-bin</c>.</summary>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    /// <inheritdoc />
    public void Add(Entry item)
    {
        ThrowIfReadOnly();
        _entries.Add(item);
    }

    /// <summary>The last entry with <paramref name="key"/>, or null.</summary>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>The text value of the last entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last binary entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>All entries with <paramref name="key"/>, in order.</summary>
    public IEnumerable<Entry> GetAll(string key) =>
        _entries.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public void Clear()
    {
        ThrowIfReadOnly();
        _entries.Clear();
    }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item)
    {
        ThrowIfReadOnly();
        _entries.Insert(index, item);
    }

    /// <inheritdoc />
    public bool Remove(Entry item)
    {
        ThrowIfReadOnly();
        return _entries.Remove(item);
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        ThrowIfReadOnly();
        _entries.RemoveAt(index);
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This metadata is read-only.");
        }
    }

    /// <summary>One metadata entry.</summary>
    public sealed class Entry : IEquatable<Entry>
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        /// <summary>Creates a text entry.</summary>
        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends in '-bin' and so needs a byte[] value.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);
            ValidateAsciiValue(value);
            _value = value;
        }

        /// <summary>Creates a binary entry.</summary>
        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' carries bytes and so must end in '-bin'.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(valueBytes);
            _valueBytes = valueBytes;
        }

        /// <summary>The lowercase key.</summary>
        public string Key { get; }

        /// <summary>True when this entry carries bytes.</summary>
        public bool IsBinary => _valueBytes is not null;

        /// <summary>The text value; for a binary entry, throws.</summary>
        public string Value =>
            _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary: read ValueBytes.");

        /// <summary>The bytes; for a text entry, its ASCII bytes.</summary>
        public byte[] ValueBytes => _valueBytes ?? Encoding.ASCII.GetBytes(_value!);

        /// <summary>True when <paramref name="key"/> names a binary entry.</summary>
        public static bool IsBinaryKey(string key) =>
            key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc />
        public bool Equals(Entry? other) =>
            other is not null && Key == other.Key &&
            (IsBinary ? other.IsBinary && _valueBytes!.AsSpan().SequenceEqual(other._valueBytes) : _value == other._value);

        /// <inheritdoc />
        public override bool Equals(object? obj) => Equals(obj as Entry);

        /// <inheritdoc />
        public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

        /// <summary>Shows the key only: values may be credentials and never belong in a log.</summary>
        public override string ToString() => IsBinary ? $"{Key}: <{_valueBytes!.Length} bytes>" : $"{Key}: <{_value!.Length} chars>";

        // Keys are 1*( %x30-39 / %x61-7A / "_" / "-" / ".") after lowercasing (PROTOCOL-HTTP2).
        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var lower = key.ToLowerInvariant();
            foreach (var c in lower)
            {
                var ok = c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or '_' or '-' or '.';
                if (!ok)
                {
                    throw new ArgumentException($"Metadata key '{key}' has a character outside [0-9a-z_.-].", nameof(key));
                }
            }

            return lower;
        }

        // ASCII-Value is 1*( %x20-%x7E ) (PROTOCOL-HTTP2); empty values are allowed in practice.
        private static void ValidateAsciiValue(string value)
        {
            foreach (var c in value)
            {
                if (c is < ' ' or > '~')
                {
                    throw new ArgumentException("A text metadata value may hold printable ASCII only; use a '-bin' key for other data.", nameof(value));
                }
            }
        }
    }
}

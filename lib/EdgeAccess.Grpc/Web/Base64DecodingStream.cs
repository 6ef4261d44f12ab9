using System.Buffers;
using System.Buffers.Text;

namespace EdgeAccess.Grpc.Web;

/// <summary>
/// Decodes a <c>grpc-web-text</c> request body as it streams in. The body is base64 and may be
/// several padded chunks back to back (PROTOCOL-WEB), so decoding proceeds in whole 4-character
/// quanta and restarts after each padded quantum. Whitespace (a trailing newline from curl or
/// <c>base64</c>) is skipped. Invalid base64 surfaces as
/// <see cref="InvalidDataException"/>, which ends the call with a clean status.
/// </summary>
internal sealed class Base64DecodingStream(Stream inner) : Stream
{
    private readonly byte[] _encoded = new byte[16 * 1024];
    private int _encodedCount;
    private byte[] _decoded = new byte[12 * 1024];
    private int _decodedOffset;
    private int _decodedCount;
    private bool _innerEnded;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_decodedCount == 0)
        {
            if (_innerEnded)
            {
                if (_encodedCount != 0)
                {
                    throw new InvalidDataException("The grpc-web-text body ended inside a base64 quantum.");
                }

                return 0;
            }

            var read = await inner.ReadAsync(_encoded.AsMemory(_encodedCount), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _innerEnded = true;
            }

            _encodedCount += RemoveWhitespace(_encoded.AsSpan(_encodedCount, read));
            DecodeAvailable();
        }

        var count = Math.Min(buffer.Length, _decodedCount);
        _decoded.AsSpan(_decodedOffset, count).CopyTo(buffer.Span);
        _decodedOffset += count;
        _decodedCount -= count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void DecodeAvailable()
    {
        _decodedOffset = 0;
        _decodedCount = 0;
        var consumed = 0;
        while (_encodedCount - consumed >= 4)
        {
            var available = _encoded.AsSpan(consumed, _encodedCount - consumed);
            var whole = available.Length / 4 * 4;
            // A padded quantum ends a chunk: decode up to and including it, then continue after it.
            var pad = available[..whole].IndexOf((byte)'=');
            var take = pad < 0 ? whole : (pad / 4 + 1) * 4;
            EnsureDecodedCapacity(_decodedCount + Base64.GetMaxDecodedFromUtf8Length(take));
            var status = Base64.DecodeFromUtf8(available[..take], _decoded.AsSpan(_decodedCount), out var used, out var written);
            if (status != OperationStatus.Done || used != take)
            {
                throw new InvalidDataException("The grpc-web-text body is not valid base64.");
            }

            _decodedCount += written;
            consumed += take;
        }

        // Keep the partial quantum for the next read.
        _encoded.AsSpan(consumed, _encodedCount - consumed).CopyTo(_encoded);
        _encodedCount -= consumed;
    }

    // Compacts the span in place without ASCII whitespace; returns the new length.
    private static int RemoveWhitespace(Span<byte> span)
    {
        var kept = 0;
        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                span[kept++] = b;
            }
        }

        return kept;
    }

    private void EnsureDecodedCapacity(int size)
    {
        if (_decoded.Length < size)
        {
            Array.Resize(ref _decoded, size);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

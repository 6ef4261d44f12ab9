using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Protocol;

/// <summary>A message read from a stream, and whether it arrived compressed.</summary>
internal readonly record struct ReceivedMessage<T>(T Message, bool WasCompressed);

/// <summary>
/// Length-Prefixed-Message framing (PROTOCOL-HTTP2): Compressed-Flag (1 byte), Message-Length
/// (4 bytes, big-endian), Message. Limits are enforced from the prefix alone, before the message
/// is buffered, so an oversize or hostile length never costs memory.
/// </summary>
internal static class MessageFraming
{
    /// <summary>
    /// Reads the next message; returns null at a clean end of stream (no partial frame left).
    /// Throws <see cref="RpcException"/> for a protocol violation.
    /// </summary>
    public static async ValueTask<ReceivedMessage<T>?> ReadMessageAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int maxMessageSize,
        string? encoding,
        CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The read was cancelled.");
            }

            if (buffer.Length >= GrpcProtocol.HeaderSize)
            {
                var (flags, length) = ReadHeader(buffer);
                if (length > (uint)maxMessageSize)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(new Status(StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes)."));
                }

                if (flags > 1)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(new Status(StatusCode.Internal, $"Invalid message flags 0x{flags:X2}."));
                }

                var frameLength = GrpcProtocol.HeaderSize + (long)length;
                if (buffer.Length >= frameLength)
                {
                    var payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
                    try
                    {
                        var message = Parse(payload, flags == 1, parser, maxMessageSize, encoding);
                        return new ReceivedMessage<T>(message, flags == 1);
                    }
                    finally
                    {
                        reader.AdvanceTo(buffer.GetPosition(frameLength));
                    }
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    return null;
                }

                throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the stream ended inside a message frame."));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Writes one framed message; compresses with gzip when <paramref name="compress"/> is true.</summary>
    public static void WriteMessage<T>(IBufferWriter<byte> output, T message, bool compress, int? maxMessageSize)
        where T : IMessage<T>
    {
        if (compress)
        {
            var compressed = GrpcCompression.Compress(message.ToByteArray());
            CheckSendSize(compressed.Length, maxMessageSize);
            var span = output.GetSpan(GrpcProtocol.HeaderSize + compressed.Length);
            WriteHeader(span, 1, compressed.Length);
            compressed.CopyTo(span[GrpcProtocol.HeaderSize..]);
            output.Advance(GrpcProtocol.HeaderSize + compressed.Length);
            return;
        }

        var size = message.CalculateSize();
        CheckSendSize(size, maxMessageSize);
        var target = output.GetSpan(GrpcProtocol.HeaderSize + size);
        WriteHeader(target, 0, size);
        message.WriteTo(target.Slice(GrpcProtocol.HeaderSize, size));
        output.Advance(GrpcProtocol.HeaderSize + size);
    }

    /// <summary>Writes the 5-byte prefix.</summary>
    public static void WriteHeader(Span<byte> destination, byte flags, int length)
    {
        destination[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    private static (byte Flags, uint Length) ReadHeader(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        return (header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]));
    }

    private static T Parse<T>(in ReadOnlySequence<byte> payload, bool compressed, MessageParser<T> parser, int maxMessageSize, string? encoding)
        where T : IMessage<T>
    {
        try
        {
            if (!compressed)
            {
                return parser.ParseFrom(payload);
            }

            // A compressed message needs the encoding the peer declared (doc/compression.md).
            if (GrpcCompression.IsIdentity(encoding))
            {
                throw new RpcException(new Status(StatusCode.Internal,
                    "A message was flagged compressed but the call declared no grpc-encoding."));
            }

            var inflated = GrpcCompression.Decompress(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray(), maxMessageSize)
                ?? throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"Decompressed message exceeds the maximum configured message size ({maxMessageSize} bytes)."));
            return parser.ParseFrom(inflated);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the message.") { DebugException = ex });
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress the message.") { DebugException = ex });
        }
    }

    private static void CheckSendSize(int size, int? maxMessageSize)
    {
        if (maxMessageSize is { } max && size > max)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {max} bytes)."));
        }
    }
}

using System;
using System.Text;

namespace EdgeAccess.Grpc.Generator.Descriptors;

/// <summary>The wire types of the protobuf encoding (https://protobuf.dev/programming-guides/encoding/).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads one protobuf message from a byte range: tags, varints and length-delimited fields, and
/// skips any field it is not asked to read. Every malformed input ends in a
/// <see cref="DescriptorFormatException"/>, never in an index or overflow exception.
/// </summary>
internal sealed class WireReader
{
    // Far deeper than any descriptor nests; bounds the recursion of group skipping.
    private const int MaxGroupDepth = 64;

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    /// <summary>Reads the whole of <paramref name="buffer"/> as one message.</summary>
    public WireReader(byte[] buffer) : this(buffer, 0, buffer.Length)
    {
    }

    private WireReader(byte[] buffer, int start, int end)
    {
        _buffer = buffer;
        _position = start;
        _end = end;
    }

    /// <summary>
    /// Reads the next field's tag. Returns false at the end of the message.
    /// </summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        if (_position >= _end)
        {
            fieldNumber = 0;
            wireType = WireType.Varint;
            return false;
        }

        var offset = _position;
        var tag = ReadVarint();
        fieldNumber = (int)(tag >> 3);
        var type = (int)(tag & 7);
        // Field numbers are 1 .. 2^29 - 1; wire types 6 and 7 are not defined.
        if (tag > uint.MaxValue || fieldNumber == 0)
        {
            throw new DescriptorFormatException($"invalid field tag {tag} at offset {offset}");
        }

        if (type > (int)WireType.Fixed32)
        {
            throw new DescriptorFormatException($"invalid wire type {type} at offset {offset}");
        }

        wireType = (WireType)type;
        return true;
    }

    /// <summary>Reads a base-128 varint of at most ten bytes.</summary>
    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw new DescriptorFormatException($"truncated varint at offset {_position}");
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new DescriptorFormatException($"varint longer than ten bytes ending at offset {_position}");
    }

    /// <summary>Reads a bool field (a varint; any non-zero value is true).</summary>
    public bool ReadBool() => ReadVarint() != 0;

    /// <summary>Reads a string field (length-delimited UTF-8).</summary>
    public string ReadString()
    {
        var length = ReadLength();
        var value = Encoding.UTF8.GetString(_buffer, _position, length);
        _position += length;
        return value;
    }

    /// <summary>Reads an embedded message field and returns a reader over just its bytes.</summary>
    public WireReader ReadMessage()
    {
        var length = ReadLength();
        var message = new WireReader(_buffer, _position, _position + length);
        _position += length;
        return message;
    }

    /// <summary>Skips the value of a field whose tag was just read, whatever its wire type.</summary>
    public void SkipField(int fieldNumber, WireType wireType) => SkipField(fieldNumber, wireType, 0);

    private void SkipField(int fieldNumber, WireType wireType, int depth)
    {
        switch (wireType)
        {
            case WireType.Varint:
                _ = ReadVarint();
                break;
            case WireType.Fixed64:
                SkipBytes(8);
                break;
            case WireType.LengthDelimited:
                SkipBytes(ReadLength());
                break;
            case WireType.Fixed32:
                SkipBytes(4);
                break;
            case WireType.StartGroup:
                SkipGroup(fieldNumber, depth + 1);
                break;
            default:
                // An end-group tag is only valid as the end of the group SkipGroup is reading.
                throw new DescriptorFormatException($"unexpected end-group tag for field {fieldNumber} before offset {_position}");
        }
    }

    // A group is the fields between START_GROUP and END_GROUP tags that carry the same field number.
    private void SkipGroup(int groupFieldNumber, int depth)
    {
        if (depth > MaxGroupDepth)
        {
            throw new DescriptorFormatException($"groups nested deeper than {MaxGroupDepth} before offset {_position}");
        }

        while (TryReadTag(out var fieldNumber, out var wireType))
        {
            if (wireType == WireType.EndGroup)
            {
                if (fieldNumber != groupFieldNumber)
                {
                    throw new DescriptorFormatException(
                        $"end-group tag for field {fieldNumber} closes the group of field {groupFieldNumber} before offset {_position}");
                }

                return;
            }

            SkipField(fieldNumber, wireType, depth);
        }

        throw new DescriptorFormatException($"group of field {groupFieldNumber} is not closed");
    }

    private int ReadLength()
    {
        var offset = _position;
        var length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw new DescriptorFormatException($"length {length} at offset {offset} runs past the end of its message");
        }

        return (int)length;
    }

    private void SkipBytes(int count)
    {
        if (count > _end - _position)
        {
            throw new DescriptorFormatException($"field at offset {_position} runs past the end of its message");
        }

        _position += count;
    }
}

/// <summary>The bytes are not a well-formed protobuf message of the expected type.</summary>
internal sealed class DescriptorFormatException : Exception
{
    public DescriptorFormatException(string message) : base(message)
    {
    }
}

using System.Text;
using EdgeAccess.Grpc.Web;

namespace EdgeAccess.Grpc.Tests.Protocol;

/// <summary>
/// PROTOCOL-WEB: a grpc-web-text request body is base64, possibly several padded chunks back to
/// back; the decoder must cope with chunk boundaries anywhere, even mid-quantum.
/// </summary>
public sealed class Base64DecodingStreamTests
{
    [Fact]
    public async Task ReadAsync_SeveralPaddedChunksOneByteAtATime_DecodesAll()
    {
        byte[][] chunks = [[1], [2, 3], [4, 5, 6], [7, 8, 9, 10], [11]];
        var wire = string.Concat(chunks.Select(Convert.ToBase64String)); // "AQ==AgM=BAUGBwgJCg==Cw=="
        await using var inner = new OneByteStream(Encoding.ASCII.GetBytes(wire));
        await using var decoder = new Base64DecodingStream(inner);

        using var output = new MemoryStream();
        await decoder.CopyToAsync(output).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(chunks.SelectMany(c => c).ToArray(), output.ToArray());
    }

    [Fact]
    public async Task ReadAsync_LargeUnpaddedBody_DecodesAll()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        await using var inner = new MemoryStream(Encoding.ASCII.GetBytes(Convert.ToBase64String(data)));
        await using var decoder = new Base64DecodingStream(inner);

        using var output = new MemoryStream();
        await decoder.CopyToAsync(output).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData("AQ=")] // ends inside a quantum
    [InlineData("A*==")] // not base64
    public async Task ReadAsync_InvalidBody_ThrowsInvalidData(string wire)
    {
        await using var decoder = new Base64DecodingStream(new MemoryStream(Encoding.ASCII.GetBytes(wire)));

        await Assert.ThrowsAsync<InvalidDataException>(() => decoder.CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Hands out its data one byte per read, so every boundary falls mid-quantum at some point.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class SitesTests
{
    [Theory]
    [InlineData("operator")]
    [InlineData("auditor")]
    [InlineData("member")]
    public async Task CreateSite_NotAdmin_PermissionDenied(string role)
    {
        var options = role switch
        {
            "operator" => fixture.Operator,
            "auditor" => fixture.Auditor,
            _ => fixture.Member,
        };

        await fixture.Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = AdminFixture.Unique("Denied"), TimeZone = "UTC" } }, options)
            .FailsWith(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task DeleteDoor_AsOperator_PermissionDenied()
    {
        var site = await fixture.NewSiteAsync();
        var door = await fixture.NewDoorAsync(site.Id);

        await fixture.Sites.DeleteDoorAsync(new DeleteDoorRequest { Id = door.Id }, fixture.Operator).FailsWith(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task ListSites_AsMemberOrWithoutToken_Refused()
    {
        await fixture.Sites.ListSitesAsync(new ListSitesRequest(), fixture.Member).FailsWith(StatusCode.PermissionDenied);
        await fixture.Sites.ListSitesAsync(new ListSitesRequest()).FailsWith(StatusCode.Unauthenticated);
    }

    // PROTOCOL-WEB: the request is the gRPC frame over HTTP/1.1; the answer is the message frame
    // followed by a trailer frame (flag 0x80) holding "grpc-status: 0" as an HTTP/1 header block.
    [Fact]
    public async Task GetSite_OverGrpcWebHttp11_AnswersSiteAndOkTrailer()
    {
        var site = await fixture.NewSiteAsync();
        using var http = new HttpClient { BaseAddress = fixture.WebAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/edgeaccess.v1.SiteService/GetSite")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(0, new GetSiteRequest { Id = site.Id }.ToByteArray())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        request.Headers.Add("x-grpc-web", "1");
        request.Headers.TryAddWithoutValidation("authorization", fixture.Admin.Headers!.GetValue("authorization"));

        using var response = await http.SendAsync(request).WithTimeout();
        var frames = ParseFrames(await response.Content.ReadAsByteArrayAsync().WithTimeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0, frames[0].Flags);
        Assert.Equal(site, Site.Parser.ParseFrom(frames[0].Payload));
        Assert.Equal(0x80, frames[1].Flags);
        var trailers = Encoding.ASCII.GetString(frames[1].Payload).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim());
        Assert.Equal("0", trailers["grpc-status"]);
    }

    private static byte[] Frame(byte flags, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static List<(byte Flags, byte[] Payload)> ParseFrames(byte[] body)
    {
        var frames = new List<(byte, byte[])>();
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            frames.Add((body[offset], body[(offset + 5)..(offset + 5 + length)]));
            offset += 5 + length;
        }

        return frames;
    }
}

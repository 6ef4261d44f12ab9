using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class PeopleTests
{
    // PROTOCOL-WEB: what the browser app sends for a member's own profile: the gRPC frame over
    // HTTP/1.1; the answer is the message frame, then a trailer frame (flag 0x80) with grpc-status.
    [Fact]
    public async Task GetMyProfile_OverGrpcWebHttp11_AnswersProfileAndOkTrailer()
    {
        var person = await hub.NewPersonAsync();
        var member = await hub.SignInAsync(Stored.UserRole.Member, Guid.Parse(person.Id)).WithTimeout();
        using var http = new HttpClient { BaseAddress = hub.WebAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/edgeaccess.v1.PersonService/GetMyProfile")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(0, new GetMyProfileRequest().ToByteArray())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        request.Headers.Add("x-grpc-web", "1");
        request.Headers.TryAddWithoutValidation("authorization", member.Headers!.GetValue("authorization"));

        using var response = await http.SendAsync(request).WithTimeout();
        var body = await response.Content.ReadAsByteArrayAsync().WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal(0, body[0]);
        Assert.Equal(person, MyProfile.Parser.ParseFrom(body.AsSpan(5, length)).Person);
        Assert.Equal(0x80, body[5 + length]);
        Assert.Contains("grpc-status:0", Encoding.ASCII.GetString(body, 10 + length, body.Length - 10 - length).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static byte[] Frame(byte flags, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }
}

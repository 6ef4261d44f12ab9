using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace EdgeAccess.Cloud.Notifications.Telegram.Bot;

/// <summary>
/// The call context the bot runs booking RPCs in, in process: the linked user is the caller, so the
/// service applies that user's own rights (a member books for their own person only). The bot checks
/// the method's <see cref="AllowAttribute"/> roles itself, as the auth interceptor would.
/// </summary>
internal sealed class BotCallContext : ServerCallContext
{
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<object, object?> _userState = [];

    public BotCallContext(string method, Caller caller, CancellationToken cancellationToken)
    {
        Method = method;
        _cancellationToken = cancellationToken;
        this.SetCaller(caller);
    }

    public override string Method { get; }

    public override string Peer => "telegram";

    public override DateTime Deadline => DateTime.MaxValue;

    public override Metadata RequestHeaders { get; } = [];

    public override CancellationToken CancellationToken => _cancellationToken;

    public override Metadata ResponseTrailers { get; } = [];

    public override Status Status { get; set; }

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompression { get; set; }

    public override string? RequestCompression => null;

    public override bool LastRequestCompressed => false;

    public override IDictionary<object, object?> UserState => _userState;

    public override HttpContext GetHttpContext() => new DefaultHttpContext();

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;
}

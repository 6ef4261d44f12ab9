using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// One command's connection to the hub: the channel, the typed clients and the stored session.
/// <see cref="CallAsync{TResponse}"/> sends the access token and, when the hub answers
/// UNAUTHENTICATED (the 15-minute access token ran out), exchanges the refresh token once,
/// saves the new pair and retries the call once.
/// </summary>
internal sealed partial class HubConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly SessionStore _store;
    private StoredSession? _session;

    public HubConnection(Uri hub, SessionStore store)
    {
        Hub = hub;
        _store = store;
        _channel = GrpcChannel.ForAddress(hub);
        Auth = new AuthService.Client(_channel);
        Sites = new SiteService.Client(_channel);
        Schedules = new ScheduleService.Client(_channel);
        People = new PersonService.Client(_channel);
        Cards = new CardService.Client(_channel);
        Groups = new GroupService.Client(_channel);
        Audit = new AuditService.Client(_channel);
        Import = new ImportService.Client(_channel);
        Access = new AccessQueryService.Client(_channel);
        Nodes = new NodeService.Client(_channel);
        Journal = new JournalService.Client(_channel);
        Booking = new BookingService.Client(_channel);
    }

    public Uri Hub { get; }

    public SessionStore Store => _store;

    public AuthService.Client Auth { get; }

    public SiteService.Client Sites { get; }

    public ScheduleService.Client Schedules { get; }

    public PersonService.Client People { get; }

    public CardService.Client Cards { get; }

    public GroupService.Client Groups { get; }

    public AuditService.Client Audit { get; }

    public ImportService.Client Import { get; }

    public AccessQueryService.Client Access { get; }

    public NodeService.Client Nodes { get; }

    public JournalService.Client Journal { get; }

    public BookingService.Client Booking { get; }

    /// <summary>The hub address as the session file records it.</summary>
    public static string Key(Uri hub) => hub.GetLeftPart(UriPartial.Authority);

    /// <summary>Makes a call without a token (login, refresh).</summary>
    public static async Task<TResponse> CallAnonymousAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> start, CancellationToken ct)
    {
        using var call = start(new CallOptions(CancellationToken: ct));
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>Makes an authenticated call, refreshing the session once if the hub asks for it.</summary>
    public async Task<TResponse> CallAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> start, CancellationToken ct)
    {
        var session = RequireSession();
        try
        {
            return await SendAsync(start, session, ct).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            session = await RefreshAsync(session, ct).ConfigureAwait(false);
        }

        return await SendAsync(start, session, ct).ConfigureAwait(false);
    }

    /// <summary>Stores a new token pair for <paramref name="username"/>.</summary>
    public void SaveSession(AuthTokens tokens, string username)
    {
        _session = new StoredSession(
            Key(Hub),
            username,
            tokens.AccessToken,
            tokens.RefreshToken,
            tokens.AccessExpireTime?.ToDateTimeOffset(),
            tokens.RefreshExpireTime?.ToDateTimeOffset());
        _store.Save(_session);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    private static async Task<TResponse> SendAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> start, StoredSession session, CancellationToken ct)
    {
        var headers = new Metadata { { "authorization", $"Bearer {session.AccessToken}" } };
        using var call = start(new CallOptions(Headers: headers, CancellationToken: ct));
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    private StoredSession RequireSession()
    {
        _session ??= _store.Load();
        if (_session is null || !string.Equals(_session.Hub, Key(Hub), StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException("UNAUTHENTICATED", $"not signed in to {Key(Hub)}; sign in with: edgeaccess login --user NAME");
        }

        return _session;
    }

    private async Task<StoredSession> RefreshAsync(StoredSession session, CancellationToken ct)
    {
        AuthTokens tokens;
        try
        {
            tokens = await CallAnonymousAsync(o => Auth.RefreshAsync(new RefreshRequest { RefreshToken = session.RefreshToken }, o), ct).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            // The refresh token expired or the session was ended: it is of no further use.
            _store.Delete();
            _session = null;
            throw new CliException("UNAUTHENTICATED", $"the session for {session.Username} has ended; sign in again with: edgeaccess login --user {session.Username}");
        }

        SaveSession(tokens, tokens.User?.Username is { Length: > 0 } name ? name : session.Username);
        return _session!;
    }
}

using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>
/// The role matrix: every RPC the hub serves, who may call it, and proof on the wire. Adding an RPC
/// to the hub without adding it here fails <see cref="Matrix_EveryServedRpc_ListedExactlyOnce"/>.
/// </summary>
public sealed class RoleMatrixTests(AuthHub hub) : IClassFixture<AuthHub>
{
    private static readonly UserRole[] AllRoles = [UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin];
    private static readonly UserRole[] SignedIn = AllRoles;
    private static readonly UserRole[] AdminOnly = [UserRole.Admin];
    private static readonly UserRole[] AdminOperator = [UserRole.Admin, UserRole.Operator];
    private static readonly UserRole[] Readers = [UserRole.Admin, UserRole.Operator, UserRole.Auditor];
    private static readonly UserRole[] AdminAuditor = [UserRole.Admin, UserRole.Auditor];
    private static readonly UserRole[] Bookers = [UserRole.Admin, UserRole.Operator, UserRole.Member];

    // No user at all: the caller must present a node token, which the service checks itself, so
    // anonymous and every signed-in role get UNAUTHENTICATED.
    private static readonly UserRole[] NodeToken = [];

    // RPC path → roles that may call it; null: anyone, without a token.
    private static readonly Dictionary<string, UserRole[]?> Matrix = new(StringComparer.Ordinal)
    {
        ["/grpc.health.v1.Health/Check"] = null,
        ["/grpc.health.v1.Health/Watch"] = null,
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = null,
        ["/edgeaccess.v1.ServerInfoService/GetServerInfo"] = null,

        ["/edgeaccess.v1.AuthService/Login"] = null,
        ["/edgeaccess.v1.AuthService/Refresh"] = null,
        ["/edgeaccess.v1.AuthService/Logout"] = SignedIn,
        ["/edgeaccess.v1.AuthService/WhoAmI"] = SignedIn,
        ["/edgeaccess.v1.AuthService/ChangePassword"] = SignedIn,

        ["/edgeaccess.v1.UserService/CreateUser"] = AdminOnly,
        ["/edgeaccess.v1.UserService/GetUser"] = AdminOnly,
        ["/edgeaccess.v1.UserService/ListUsers"] = AdminOnly,
        ["/edgeaccess.v1.UserService/UpdateUser"] = AdminOnly,
        ["/edgeaccess.v1.UserService/ResetPassword"] = AdminOnly,
        ["/edgeaccess.v1.UserService/DeleteUser"] = AdminOnly,

        ["/edgeaccess.v1.SiteService/CreateSite"] = AdminOnly,
        ["/edgeaccess.v1.SiteService/GetSite"] = Readers,
        ["/edgeaccess.v1.SiteService/ListSites"] = Readers,
        ["/edgeaccess.v1.SiteService/UpdateSite"] = AdminOnly,
        ["/edgeaccess.v1.SiteService/DeleteSite"] = AdminOnly,
        ["/edgeaccess.v1.SiteService/CreateDoor"] = AdminOperator,
        ["/edgeaccess.v1.SiteService/GetDoor"] = Readers,
        ["/edgeaccess.v1.SiteService/ListDoors"] = Readers,
        ["/edgeaccess.v1.SiteService/UpdateDoor"] = AdminOperator,
        ["/edgeaccess.v1.SiteService/DeleteDoor"] = AdminOnly,

        ["/edgeaccess.v1.ScheduleService/CreateSchedule"] = AdminOnly,
        ["/edgeaccess.v1.ScheduleService/GetSchedule"] = Readers,
        ["/edgeaccess.v1.ScheduleService/ListSchedules"] = Readers,
        ["/edgeaccess.v1.ScheduleService/UpdateSchedule"] = AdminOnly,
        ["/edgeaccess.v1.ScheduleService/DeleteSchedule"] = AdminOnly,
        ["/edgeaccess.v1.ScheduleService/CreateHolidayCalendar"] = AdminOnly,
        ["/edgeaccess.v1.ScheduleService/GetHolidayCalendar"] = Readers,
        ["/edgeaccess.v1.ScheduleService/ListHolidayCalendars"] = Readers,
        ["/edgeaccess.v1.ScheduleService/UpdateHolidayCalendar"] = AdminOnly,
        ["/edgeaccess.v1.ScheduleService/DeleteHolidayCalendar"] = AdminOnly,

        ["/edgeaccess.v1.GrantService/CreateAccessScheme"] = AdminOnly,
        ["/edgeaccess.v1.GrantService/GetAccessScheme"] = Readers,
        ["/edgeaccess.v1.GrantService/ListAccessSchemes"] = Readers,
        ["/edgeaccess.v1.GrantService/UpdateAccessScheme"] = AdminOnly,
        ["/edgeaccess.v1.GrantService/DeleteAccessScheme"] = AdminOnly,
        ["/edgeaccess.v1.GrantService/CreateDirectGrant"] = AdminOnly,
        ["/edgeaccess.v1.GrantService/GetDirectGrant"] = Readers,
        ["/edgeaccess.v1.GrantService/ListDirectGrants"] = Readers,
        ["/edgeaccess.v1.GrantService/UpdateDirectGrant"] = AdminOnly,
        ["/edgeaccess.v1.GrantService/DeleteDirectGrant"] = AdminOnly,

        ["/edgeaccess.v1.PersonService/CreatePerson"] = AdminOnly,
        ["/edgeaccess.v1.PersonService/GetPerson"] = Readers,
        ["/edgeaccess.v1.PersonService/ListPeople"] = Readers,
        ["/edgeaccess.v1.PersonService/UpdatePerson"] = AdminOnly,
        ["/edgeaccess.v1.PersonService/DeletePerson"] = AdminOnly,
        ["/edgeaccess.v1.PersonService/GetMyProfile"] = SignedIn,

        ["/edgeaccess.v1.CardService/CreateCard"] = AdminOnly,
        ["/edgeaccess.v1.CardService/GetCard"] = Readers,
        ["/edgeaccess.v1.CardService/ListCards"] = Readers,
        ["/edgeaccess.v1.CardService/UpdateCard"] = AdminOnly,
        ["/edgeaccess.v1.CardService/SetCardStatus"] = AdminOperator,
        ["/edgeaccess.v1.CardService/DeleteCard"] = AdminOnly,
        ["/edgeaccess.v1.CardService/FindCardByNumber"] = AdminOperator,

        ["/edgeaccess.v1.GroupService/CreateGroup"] = AdminOnly,
        ["/edgeaccess.v1.GroupService/GetGroup"] = Readers,
        ["/edgeaccess.v1.GroupService/ListGroups"] = Readers,
        ["/edgeaccess.v1.GroupService/UpdateGroup"] = AdminOnly,
        ["/edgeaccess.v1.GroupService/DeleteGroup"] = AdminOnly,
        ["/edgeaccess.v1.GroupService/AddNesting"] = AdminOnly,
        ["/edgeaccess.v1.GroupService/RemoveNesting"] = AdminOnly,
        ["/edgeaccess.v1.GroupService/ListMembers"] = Readers,

        ["/edgeaccess.v1.MembershipService/CreateMembership"] = AdminOnly,
        ["/edgeaccess.v1.MembershipService/GetMembership"] = Readers,
        ["/edgeaccess.v1.MembershipService/ListMemberships"] = Readers,
        ["/edgeaccess.v1.MembershipService/UpdateMembership"] = AdminOnly,
        ["/edgeaccess.v1.MembershipService/DeleteMembership"] = AdminOnly,

        ["/edgeaccess.v1.AuditService/ListAuditEntries"] = AdminAuditor,
        ["/edgeaccess.v1.JournalService/ListEvents"] = Readers,
        ["/edgeaccess.v1.ImportService/ImportCsv"] = AdminOnly,

        ["/edgeaccess.v1.AccessQueryService/ExplainAccess"] = Readers,
        ["/edgeaccess.v1.AccessQueryService/WhoCanOpen"] = Readers,

        ["/edgeaccess.v1.NodeService/CreateNode"] = AdminOnly,
        ["/edgeaccess.v1.NodeService/GetNode"] = AdminOperator,
        ["/edgeaccess.v1.NodeService/ListNodes"] = AdminOperator,
        ["/edgeaccess.v1.NodeService/IssueEnrollmentCode"] = AdminOnly,
        ["/edgeaccess.v1.NodeService/RevokeNode"] = AdminOnly,
        ["/edgeaccess.v1.NodeService/SendCommand"] = AdminOperator,
        ["/edgeaccess.v1.NodeService/ListCommands"] = Readers,
        ["/edgeaccess.v1.NodeService/CancelCommand"] = AdminOperator,
        ["/edgeaccess.v1.NodeService/ListAccounts"] = Readers,
        ["/edgeaccess.v1.NodeService/LinkAccount"] = AdminOnly,
        ["/edgeaccess.v1.NodeService/UnlinkAccount"] = AdminOnly,

        ["/edgeaccess.v1.BookingService/CreateResource"] = AdminOnly,
        ["/edgeaccess.v1.BookingService/GetResource"] = SignedIn,
        ["/edgeaccess.v1.BookingService/ListResources"] = SignedIn,
        ["/edgeaccess.v1.BookingService/UpdateResource"] = AdminOnly,
        ["/edgeaccess.v1.BookingService/DeleteResource"] = AdminOnly,
        ["/edgeaccess.v1.BookingService/GetResourceRules"] = SignedIn,
        ["/edgeaccess.v1.BookingService/UpdateResourceRules"] = AdminOnly,
        ["/edgeaccess.v1.BookingService/CreateBlackout"] = AdminOperator,
        ["/edgeaccess.v1.BookingService/ListBlackouts"] = SignedIn,
        ["/edgeaccess.v1.BookingService/DeleteBlackout"] = AdminOperator,
        ["/edgeaccess.v1.BookingService/CreateBooking"] = Bookers,
        ["/edgeaccess.v1.BookingService/CreateBookingSeries"] = Bookers,
        ["/edgeaccess.v1.BookingService/CreateBookingGroup"] = Bookers,
        ["/edgeaccess.v1.BookingService/GetBooking"] = SignedIn,
        ["/edgeaccess.v1.BookingService/ListBookings"] = SignedIn,
        ["/edgeaccess.v1.BookingService/UpdateBooking"] = Bookers,
        ["/edgeaccess.v1.BookingService/CancelBooking"] = Bookers,
        ["/edgeaccess.v1.BookingService/ApproveBooking"] = AdminOperator,
        ["/edgeaccess.v1.BookingService/RejectBooking"] = AdminOperator,
        ["/edgeaccess.v1.BookingService/CheckIn"] = Bookers,
        ["/edgeaccess.v1.BookingService/GetAvailability"] = SignedIn,
        ["/edgeaccess.v1.NotificationService/Watch"] = SignedIn,
        ["/edgeaccess.v1.NotificationService/GetPreferences"] = SignedIn,
        ["/edgeaccess.v1.NotificationService/UpdatePreferences"] = SignedIn,
        ["/edgeaccess.v1.NotificationService/CreateTelegramLinkCode"] = SignedIn,

        // Open to the interceptor: the enrollment code / node token is the credential, checked by the service.
        ["/edgeaccess.v1.EnrollmentService/Enroll"] = null,
        ["/edgeaccess.v1.EnrollmentService/RotateToken"] = null,
        ["/edgeaccess.v1.EdgeSync/Sync"] = NodeToken,
    };

    /// <summary>Every RPC of the table, one test case each.</summary>
    public static TheoryData<string> Rpcs => new(Matrix.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Matrix_EveryServedRpc_ListedExactlyOnce()
    {
        var served = Served().Keys.ToHashSet(StringComparer.Ordinal);

        var missing = served.Except(Matrix.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = Matrix.Keys.Except(served).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"The role matrix in {nameof(RoleMatrixTests)} is out of date.\n" +
            $"Served by the hub but missing from the table ({missing.Count}):\n  {string.Join("\n  ", missing)}\n" +
            $"In the table but not served ({stale.Count}):\n  {string.Join("\n  ", stale)}");
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Call_AnonymousAndEveryRole_AnsweredPerMatrix(string path)
    {
        var allowed = Matrix[path];
        var method = Served().GetValueOrDefault(path) ?? throw new InvalidOperationException($"{path} is not served (see the matrix check)");
        var failures = new List<string>();

        var anonymous = await CallAsync(method, new CallOptions());
        Check("anonymous", allowed is null, anonymous);
        foreach (var role in AllRoles)
        {
            // A fresh session per call: some RPCs (Logout) end the session they are called with.
            var code = await CallAsync(method, await hub.SignInAsync(role));
            Check(role.ToString(), allowed is null || allowed.Contains(role), code);
        }

        Assert.True(failures.Count == 0, $"{path}: {string.Join("; ", failures)}");

        void Check(string who, bool mayCall, (StatusCode Code, string Detail) outcome)
        {
            var ok = mayCall
                ? outcome.Code is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied)
                : outcome.Code == (who == "anonymous" || ReferenceEquals(allowed, NodeToken) ? StatusCode.Unauthenticated : StatusCode.PermissionDenied);
            if (!ok)
            {
                failures.Add($"{who} {(mayCall ? "may call it" : "may not call it")} but got {outcome.Code} \"{outcome.Detail}\"");
            }
        }
    }

    private Dictionary<string, Method<Empty, Empty>> Served() =>
        hub.Host.App.Services.GetRequiredService<GrpcServiceRegistry>().Services
            .SelectMany(service => service.Methods.Select(m => new Method<Empty, Empty>(
                (m.IsClientStreaming, m.IsServerStreaming) switch
                {
                    (false, false) => MethodType.Unary,
                    (false, true) => MethodType.ServerStreaming,
                    (true, false) => MethodType.ClientStreaming,
                    _ => MethodType.DuplexStreaming,
                },
                service.FullName,
                m.Name,
                Empty.Parser,
                Empty.Parser)))
            .ToDictionary(m => m.FullName, StringComparer.Ordinal);

    /// <summary>
    /// Calls <paramref name="method"/> with an empty request (zero bytes: every field at its
    /// default) whatever its real message types; responses are read as Empty, which skips their
    /// fields. Streams are read until the first response or the status.
    /// </summary>
    private async Task<(StatusCode, string)> CallAsync(Method<Empty, Empty> method, CallOptions options)
    {
        var invoker = hub.Host.Channel.CreateCallInvoker();
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, new Empty(), options).ResponseAsync.WithTimeout();
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, new Empty(), options))
                    {
                        await call.ResponseStream.MoveNext().WithTimeout();
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, options))
                    {
                        await call.RequestStream.CompleteAsync().WithTimeout();
                        await call.ResponseAsync.WithTimeout();
                    }

                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, options))
                    {
                        await call.RequestStream.CompleteAsync().WithTimeout();
                        await call.ResponseStream.MoveNext().WithTimeout();
                    }

                    break;
            }

            return (StatusCode.OK, "");
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex.Status.Detail);
        }
    }
}

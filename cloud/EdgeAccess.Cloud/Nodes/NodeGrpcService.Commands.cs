using System.Security.Cryptography;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Nodes.Commands;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Nodes;

internal sealed partial class NodeGrpcService
{
    /// <summary>How long a command waits for delivery when the request names no ttl.</summary>
    internal static readonly TimeSpan DefaultCommandTtl = TimeSpan.FromMinutes(10);

    /// <summary>The longest ttl a command may have.</summary>
    internal static readonly TimeSpan MaxCommandTtl = TimeSpan.FromDays(7);

    /// <summary>The shortest and longest remote door release (sync.proto, UnlockDoor.duration).</summary>
    internal static readonly (TimeSpan Min, TimeSpan Max) UnlockDuration = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<NodeCommandStatus> SendCommand(SendCommandRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = NodeId(request.NodeId);
        var ttl = CommandTtl(request.Ttl);
        var requestId = Validate.OptionalText(request.RequestId, "request_id", Idempotency.MaxRequestIdLength);

        // PostgreSQL keeps microseconds: stamp what a later read returns.
        var now = AdminFields.Truncate(time.GetUtcNow());
        var command = new NodeCommand
        {
            Id = AdminWrites.NewId(time).ToString(),
            IssueTime = AdminFields.ToTimestamp(now),
            ExpireTime = AdminFields.ToTimestamp(now + ttl),
            IssuedBy = caller.Username,
        };
        switch (request.CommandCase)
        {
            case SendCommandRequest.CommandOneofCase.UnlockDoor:
                Validate.Id(request.UnlockDoor.DoorId, "unlock_door.door_id");
                if (request.UnlockDoor.Duration is { } duration && !InRange(duration, UnlockDuration.Min, UnlockDuration.Max))
                {
                    throw ApiErrors.Invalid("unlock_door.duration", "must be between 1 and 300 seconds");
                }

                command.UnlockDoor = request.UnlockDoor;
                break;
            case SendCommandRequest.CommandOneofCase.Lockdown:
                Validate.OptionalText(request.Lockdown.Reason, "lockdown.reason", 200);
                command.Lockdown = request.Lockdown;
                break;
            case SendCommandRequest.CommandOneofCase.Resync:
                command.Resync = request.Resync;
                break;
            default:
                throw ApiErrors.Invalid("command", "is required: one of unlock_door, lockdown, resync");
        }

        var hash = requestId is null ? null : SHA256.HashData(request.ToByteArray());
        var row = await commands.QueueAsync(id, command, caller, requestId, hash, context.CancellationToken);
        if (row.Id.ToString() == command.Id)
        {
            NodeLog.CommandQueued(logger, caller.Username, NodeCommandRow.Kind(command), id, row.Id);
        }

        return row.ToProto(time.GetUtcNow());
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListCommandsResponse> ListCommands(ListCommandsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        NodeCommandState? state = request.State == NodeCommandState.Unspecified ? null
            : Enum.IsDefined(request.State) ? request.State
            : throw ApiErrors.Invalid("state", "is not a known command state");
        var fingerprint = $"commands|{id}|{state}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        if (!await db.Nodes.AnyAsync(n => n.Id == id, ct))
        {
            throw ApiErrors.NotFound(Kind, id);
        }

        var rows = await commands.ListAsync(id, state, page.After, page.Size + 1, time.GetUtcNow(), ct);
        var response = new ListCommandsResponse { NextPageToken = page.NextToken(rows, r => r.Id, fingerprint) };
        var now = time.GetUtcNow();
        response.Commands.AddRange(rows.Select(r => r.ToProto(now)));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<NodeCommandStatus> CancelCommand(CancelCommandRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = NodeId(request.NodeId);
        var commandId = Validate.Id(request.CommandId, "command_id");
        var now = AdminFields.Truncate(time.GetUtcNow());
        var row = await commands.CancelAsync(id, commandId, caller, now, context.CancellationToken);
        NodeLog.CommandCancelled(logger, caller.Username, commandId, id);
        return row.ToProto(now);
    }

    private static TimeSpan CommandTtl(Google.Protobuf.WellKnownTypes.Duration? ttl)
    {
        if (ttl is null)
        {
            return DefaultCommandTtl;
        }

        return InRange(ttl, TimeSpan.FromSeconds(1), MaxCommandTtl)
            ? ttl.ToTimeSpan()
            : throw ApiErrors.Invalid("ttl", "must be between 1 second and 7 days");
    }

    private static bool InRange(Google.Protobuf.WellKnownTypes.Duration duration, TimeSpan min, TimeSpan max)
    {
        // A malformed duration (mixed signs, nanos out of range) is out of range too.
        if (duration.Nanos is < -999_999_999 or > 999_999_999 || (duration.Seconds < 0 && duration.Nanos > 0) || (duration.Seconds > 0 && duration.Nanos < 0)
            || duration.Seconds > 315_576_000_000L || duration.Seconds < -315_576_000_000L)
        {
            return false;
        }

        var value = duration.ToTimeSpan();
        return value >= min && value <= max;
    }
}

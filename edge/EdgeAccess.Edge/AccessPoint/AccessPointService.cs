using EdgeAccess.Decisions;
using EdgeAccess.Edge.Doors;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>
/// <c>edgeaccess.v1.AccessPoint</c>: door controllers' card taps and PINs, decided locally. Thin:
/// validates (naming the field, never echoing the number), hashes the number, lets
/// <see cref="DoorDecisions"/> decide and journal, maps the outcome.
/// </summary>
public sealed class AccessPointService(DoorDecisions decisions, DoorControl doors, ReplicaIndexLoader loader, ILogger<AccessPointService> logger) : Protos.V1.AccessPoint.ServiceBase
{
    /// <summary>Longest door id accepted.</summary>
    public const int MaxDoorIdLength = 200;

    /// <summary>Longest PIN accepted (PBKDF2 verification of huge inputs would be a cheap DoS).</summary>
    public const int MaxPinLength = 32;

    /// <inheritdoc/>
    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateDoor(request.DoorId);
        if (!decisions.Hasher.TryHash(request.CardNumber, out var card))
        {
            throw Invalid("card_number", "card_number must be 4 to 64 hex digits (spaces and dashes allowed).");
        }

        var pin = request.HasPin ? request.Pin : null;
        if (pin is { Length: > MaxPinLength })
        {
            throw Invalid("pin", $"pin must be at most {MaxPinLength} characters.");
        }

        return Map(await Decide(() => decisions.CheckAsync(request.DoorId, card, pin)).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override async Task<CheckResponse> EnterPin(EnterPinRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateDoor(request.DoorId);
        if (string.IsNullOrEmpty(request.Pin) || request.Pin.Length > MaxPinLength)
        {
            throw Invalid("pin", $"pin must be 1 to {MaxPinLength} characters.");
        }

        return Map(await Decide(() => decisions.EnterPinAsync(request.DoorId, request.Pin)).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override Task<DoorState> GetDoorState(GetDoorStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateDoor(request.DoorId);
        if (loader.Holder?.Current is not { } index || !index.HasDoor(request.DoorId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "This node's replica has no such door."));
        }

        var state = new DoorState { DoorId = request.DoorId };
        if (doors.UnlockedUntil(request.DoorId) is { } until)
        {
            state.UnlockedUntil = Timestamp.FromDateTimeOffset(until);
        }

        if (doors.Lockdown is { } lockdown)
        {
            state.Lockdown = true;
            state.LockdownReason = lockdown.Reason;
        }

        return Task.FromResult(state);
    }

    private static async Task<DoorOutcome> Decide(Func<Task<DoorOutcome?>> decide)
    {
        DoorOutcome? outcome;
        try
        {
            outcome = await decide().ConfigureAwait(false);
        }
        catch (JournalFullException)
        {
            // Not journaled means not answered: the controller treats the failure as a denial.
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "The event journal is full; the decision was not recorded."));
        }

        return outcome ?? throw new RpcException(new Status(StatusCode.Unavailable, "This node has no replica of its site yet."));
    }

    private static CheckResponse Map(DoorOutcome outcome) => new()
    {
        Granted = outcome.Decision.Granted,
        Reason = DoorDecisions.ToProto(outcome.Decision.Reason),
        Flags = DoorDecisions.ToProto(outcome.Decision.Flags),
        ReplicaPosition = outcome.Decision.ReplicaPosition,
        DecidedAt = Timestamp.FromDateTimeOffset(outcome.DecidedAt),
        JournalSeq = outcome.JournalSeq,
    };

    private void ValidateDoor(string doorId)
    {
        if (string.IsNullOrWhiteSpace(doorId) || doorId.Length > MaxDoorIdLength)
        {
            throw Invalid("door_id", $"door_id must be 1 to {MaxDoorIdLength} characters.");
        }
    }

    private RpcException Invalid(string field, string message)
    {
        AccessPointLog.Invalid(logger, field);
        return new RpcException(new Status(StatusCode.InvalidArgument, message));
    }
}

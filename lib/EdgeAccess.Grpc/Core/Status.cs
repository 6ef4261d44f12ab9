namespace EdgeAccess.Grpc;

/// <summary>The outcome of a call: a <see cref="StatusCode"/> and a human-readable detail message.</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="Detail">The detail message sent as <c>grpc-message</c>; empty when there is none.</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static readonly Status DefaultSuccess = new(StatusCode.OK, string.Empty);

    /// <summary>The status of a call cancelled by its caller.</summary>
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, string.Empty);

    /// <summary>The exception, if any, that caused this status on the local side. Never sent on the wire.</summary>
    public Exception? DebugException { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        DebugException is null
            ? $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")"
            : $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\", DebugException=\"{DebugException.GetType()}: {DebugException.Message}\")";
}

namespace EdgeAccess.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by the client for a failed call; thrown by a service
/// implementation to end a call with a chosen status and trailers.
/// </summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception for <paramref name="status"/> with empty trailers.</summary>
    public RpcException(Status status) : this(status, Metadata.Empty, status.Detail)
    {
    }

    /// <summary>Creates an exception for <paramref name="status"/> with the given trailers.</summary>
    public RpcException(Status status, Metadata trailers) : this(status, trailers, status.Detail)
    {
    }

    /// <summary>Creates an exception for <paramref name="status"/> with the given trailers and local message.</summary>
    public RpcException(Status status, Metadata trailers, string message)
        : base(FormatMessage(status, message), status.DebugException)
    {
        Status = status;
        Trailers = trailers;
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailing metadata the call ended with.</summary>
    public Metadata Trailers { get; }

    private static string FormatMessage(Status status, string message) =>
        message == status.Detail ? status.ToString() : $"{status}: {message}";
}

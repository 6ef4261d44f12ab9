namespace EdgeAccess.Grpc;

/// <summary>Options for one client call.</summary>
/// <param name="Headers">Request metadata to send.</param>
/// <param name="Deadline">When the call must be finished (UTC); null for none.</param>
/// <param name="CancellationToken">Cancels the call.</param>
/// <param name="WriteOptions">Options for the request messages (e.g. no compression).</param>
/// <param name="RequestCompression">Compress request messages with this encoding (e.g. <c>gzip</c>); null for none.</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default,
    WriteOptions? WriteOptions = null,
    string? RequestCompression = null);

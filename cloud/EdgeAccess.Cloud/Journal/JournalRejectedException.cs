using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Grpc;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// A journal batch the hub refuses as a whole (nothing of it is stored): a seq out of order, a
/// missing time, a bad kind, an oversized payload. <see cref="Exception.Message"/> reads
/// <c>field: problem</c> like every INVALID_ARGUMENT of the hub; <see cref="ToRpcException"/> is it.
/// </summary>
internal sealed class JournalRejectedException(string field, string problem)
    : Exception($"{field}: {problem}")
{
    /// <summary>The offending field's path, e.g. <c>journal.events[3].seq</c>.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;

    /// <summary>The INVALID_ARGUMENT status to answer with.</summary>
    public RpcException ToRpcException() => ApiErrors.Invalid(Field, Problem);
}

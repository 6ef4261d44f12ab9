namespace EdgeAccess.Cloud.Rights;

/// <summary>
/// A change the model refuses (e.g. a group nesting that would form a cycle). The admin API answers
/// INVALID_ARGUMENT naming <see cref="Field"/>.
/// </summary>
public sealed class HubValidationException(string field, string message) : Exception($"{field}: {message}")
{
    /// <summary>The request field at fault (protobuf field path).</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = message;
}

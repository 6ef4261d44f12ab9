using EdgeAccess.Cloud.Admin.Common;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// The fields an update sets (AIP-134): the paths of the request's <c>update_mask</c>, or every
/// mutable field when it is empty. Unknown paths fail with INVALID_ARGUMENT naming update_mask.
/// </summary>
internal sealed class UpdateMask
{
    private readonly HashSet<string>? _paths;

    private UpdateMask(HashSet<string>? paths) => _paths = paths;

    /// <summary>Checks <paramref name="mask"/> against the <paramref name="allowed"/> paths.</summary>
    public static UpdateMask From(FieldMask? mask, params string[] allowed)
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            return new UpdateMask(null);
        }

        foreach (var path in mask.Paths)
        {
            if (!allowed.Contains(path, StringComparer.Ordinal))
            {
                throw ApiErrors.Invalid("update_mask", $"unknown or immutable path \"{path}\"; use {string.Join(", ", allowed)}");
            }
        }

        return new UpdateMask(mask.Paths.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>True when the mask was empty (a full update).</summary>
    public bool IsFull => _paths is null;

    /// <summary>True when the update sets <paramref name="path"/>.</summary>
    public bool Has(string path) => _paths is null || _paths.Contains(path);

    /// <summary>True only when <paramref name="path"/> is named explicitly.</summary>
    public bool Names(string path) => _paths is not null && _paths.Contains(path);
}

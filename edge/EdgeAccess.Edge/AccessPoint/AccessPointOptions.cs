using System.ComponentModel.DataAnnotations;
using EdgeAccess.Decisions;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>
/// How the edge node decides card taps locally, bound from <c>EdgeAccess:Edge</c> (next to
/// <see cref="EdgeOptions"/>) and validated at start, so a missing key fails the boot, not the first tap.
/// </summary>
public sealed class AccessPointOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeAccess:Edge";

    /// <summary>Fewest bytes of the decoded card-hash key.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>
    /// The deployment's card-hash key (base64, at least 32 bytes decoded): the hub's
    /// <c>EdgeAccess:Secrets:CardHashKey</c>. Comes from a secret store, never from a committed file.
    /// </summary>
    [Required]
    public string CardHashKey { get; set; } = string.Empty;

    /// <summary>Folder of <c>replica.db</c> and <c>journal.db</c>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long after the last sync the node keeps deciding normally (the offline lease); at most 30 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How old the last sync may be before decisions carry the <c>rights_stale</c> flag.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan FreshnessBound { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>What an expired lease means for a tap (default: deny all, fail secure).</summary>
    [EnumDataType(typeof(DegradedPolicy))]
    public DegradedPolicy DegradedPolicy { get; set; } = DegradedPolicy.DenyAll;

    /// <summary>The decoded <see cref="CardHashKey"/>; valid after start-up validation.</summary>
    public byte[] DecodeCardHashKey() => Convert.FromBase64String(CardHashKey);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var buffer = new byte[(CardHashKey.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(CardHashKey, buffer, out var written) || written < MinKeyBytes)
        {
            // Never echo the key itself.
            yield return new ValidationResult(
                $"CardHashKey must be base64 of at least {MinKeyBytes} bytes.", [nameof(CardHashKey)]);
        }
    }
}

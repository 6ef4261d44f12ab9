using System.Text.Json;
using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

public sealed partial class ChangePlan
{
    // Secrets never enter the audit trail: the trail shows that they changed, not what they are.
    private static readonly Dictionary<string, string> Redacted = new(StringComparer.Ordinal)
    {
        [nameof(User.PasswordHash)] = "password_set",
        [nameof(Card.PinHash)] = "pin_set",
        [nameof(Card.NumberHash)] = "number_set",
        [nameof(Node.EnrollmentCodeHash)] = "enrollment_code_set",
        [nameof(Node.TokenHash)] = "token_set",
        [nameof(Node.PreviousTokenHash)] = "previous_token_set",
    };

    // Rows that are bookkeeping, not admin data.
    private static bool IsAudited(object entity) => entity is not (AuditEntry or IdempotencyKey or Session or RotatedRefreshToken or FeedHead or FeedEntry or EffectiveRight or ReplicaRecord);

    private void AddAudit(EntityEntry entry, ChangeActor actor, DateTimeOffset now)
    {
        if (!IsAudited(entry.Entity))
        {
            return;
        }

        var key = entry.Metadata.FindPrimaryKey()!;
        var id = string.Join('/', key.Properties.Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, System.Globalization.CultureInfo.InvariantCulture)));
        AuditEntries.Add(new AuditEntry
        {
            At = now,
            ActorId = actor.UserId,
            ActorName = actor.Name,
            Action = entry.State switch
            {
                EntityState.Added => "create",
                EntityState.Deleted => "delete",
                _ => "update",
            },
            EntityType = entry.Metadata.ClrType.Name,
            EntityId = id,
            Before = entry.State == EntityState.Added ? null : Snapshot(entry, original: true),
            After = entry.State == EntityState.Deleted ? null : Snapshot(entry, original: false),
            RequestId = actor.RequestId,
        });
    }

    private static string Snapshot(EntityEntry entry, bool original)
    {
        var values = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            var value = original ? property.OriginalValue : property.CurrentValue;
            if (Redacted.TryGetValue(name, out var flag))
            {
                values[flag] = value is not null;
                continue;
            }

            values[Data.HubDbContext.ToSnakeCase(name)] = value switch
            {
                Enum e => e.ToString(),
                byte[] => "(binary)",
                _ => value,
            };
        }

        return JsonSerializer.Serialize(values);
    }
}

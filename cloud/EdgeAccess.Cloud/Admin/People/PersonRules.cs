using System.Net.Mail;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// The rules of a person's fields, shared by the person API and the CSV import. Each check throws
/// INVALID_ARGUMENT naming the field it is given (a request field path, or a CSV column).
/// </summary>
internal static class PersonRules
{
    /// <summary>Longest display name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest e-mail address (RFC 5321 path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Longest external id.</summary>
    public const int MaxExternalIdLength = 100;

    /// <summary>A required display name.</summary>
    public static string DisplayName(string value, string field) => Validate.Text(value, field, MaxNameLength);

    /// <summary>An optional external id (empty = none).</summary>
    public static string? ExternalId(string? value, string field) => Validate.OptionalText(value, field, MaxExternalIdLength);

    /// <summary>An optional e-mail address (empty = none): one plain <c>local@domain.tld</c> address.</summary>
    public static string? Email(string? value, string field)
    {
        var email = Validate.OptionalText(value, field, MaxEmailLength);
        if (email is null)
        {
            return null;
        }

        // MailAddress also accepts "Name <a@b>" and comments; only the bare address is wanted.
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || email.Any(char.IsWhiteSpace)
            || at <= 0 || email.IndexOf('.', at) < 0 || email.EndsWith('.'))
        {
            throw ApiErrors.Invalid(field, "is not an e-mail address (expected name@example.org)");
        }

        return email;
    }

    /// <summary>LIKE pattern matching <paramref name="text"/> anywhere (with <c>\</c> as the escape).</summary>
    public static string Contains(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// ALREADY_EXISTS when another person (not <paramref name="self"/>) has the e-mail address
    /// (case-insensitive) or the external id; the database's unique indexes back this up.
    /// </summary>
    public static async Task EnsureUniqueAsync(HubDbContext db, string? email, string? externalId, Guid? self, CancellationToken cancellationToken)
    {
        if (email is not null)
        {
            var lower = email.ToLowerInvariant();
            if (await db.People.AnyAsync(p => p.Email != null && p.Email.ToLower() == lower && p.Id != self, cancellationToken))
            {
                throw ApiErrors.AlreadyExists("a person with that email already exists");
            }
        }

        if (externalId is not null && await db.People.AnyAsync(p => p.ExternalId == externalId && p.Id != self, cancellationToken))
        {
            throw ApiErrors.AlreadyExists($"a person with external_id \"{externalId}\" already exists");
        }
    }
}

using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Cards;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// The rules of a card's secrets, shared by the card API and the CSV import. Errors name the field
/// and never contain the number or the PIN.
/// </summary>
internal static class CardRules
{
    /// <summary>Fewest PIN digits.</summary>
    public const int MinPinLength = 4;

    /// <summary>Most PIN digits.</summary>
    public const int MaxPinLength = 12;

    /// <summary>What the hub keeps of a card number.</summary>
    public readonly record struct HashedNumber(byte[] Hash, string LastDigits);

    /// <summary>Normalizes and hashes a required card number.</summary>
    public static HashedNumber Number(CardNumberHasher hasher, string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw ApiErrors.Invalid(field, "is required");
        }

        return CardNumberHasher.TryNormalize(value, out var normalized)
            ? new HashedNumber(hasher.Hash(normalized), CardNumberHasher.LastDigits(normalized))
            : throw ApiErrors.Invalid(field, $"must be {CardNumberHasher.MinLength} to {CardNumberHasher.MaxLength} hex digits (spaces and dashes are ignored)");
    }

    /// <summary>An optional PIN (empty = none): <see cref="MinPinLength"/> to <see cref="MaxPinLength"/> digits.</summary>
    public static string? Pin(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value.Length is >= MinPinLength and <= MaxPinLength && value.All(char.IsAsciiDigit)
            ? value
            : throw ApiErrors.Invalid(field, $"must be {MinPinLength} to {MaxPinLength} digits");
    }

    /// <summary>ALREADY_EXISTS when another card has the same number hash (backed by a unique constraint).</summary>
    public static async Task EnsureNumberFreeAsync(HubDbContext db, byte[] hash, CancellationToken cancellationToken)
    {
        if (await db.Cards.AnyAsync(c => c.NumberHash == hash, cancellationToken))
        {
            throw ApiErrors.AlreadyExists("a card with that number already exists");
        }
    }

    /// <summary>INVALID_ARGUMENT naming <paramref name="field"/> unless the person exists.</summary>
    public static async Task EnsurePersonExistsAsync(HubDbContext db, Guid personId, string field, CancellationToken cancellationToken)
    {
        if (!await db.People.AnyAsync(p => p.Id == personId, cancellationToken))
        {
            throw ApiErrors.Invalid(field, $"person {personId} does not exist");
        }
    }
}

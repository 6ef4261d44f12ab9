using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAccess.Cloud.Notifications.Webhooks;

/// <summary>
/// The webhook headers and their HMAC-SHA256 signature. The receiver recomputes
/// <c>sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))</c> over the raw body bytes, compares in
/// constant time, rejects stale timestamps (replay) and dedupes on <see cref="DeliveryHeader"/>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The outbox message id: the same on every retry of one delivery, so receivers dedupe on it.</summary>
    public const string DeliveryHeader = "X-EdgeAccess-Delivery";

    /// <summary>The event type, e.g. <c>booking.created</c>.</summary>
    public const string EventHeader = "X-EdgeAccess-Event";

    /// <summary><c>sha256=&lt;lowercase hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-EdgeAccess-Signature";

    /// <summary>Unix seconds at signing, part of the signed text.</summary>
    public const string TimestampHeader = "X-EdgeAccess-Timestamp";

    /// <summary>The signature header value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// True when <paramref name="signature"/> matches (constant-time) and <paramref name="timestamp"/>
    /// lies within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}

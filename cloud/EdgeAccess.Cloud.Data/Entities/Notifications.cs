namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>A user's notification settings (no row: the defaults). See migration 0010.</summary>
public sealed class NotificationPreferences
{
    /// <summary>Reminder lead time before the start when the user set none.</summary>
    public const int DefaultRemindStartMinutes = 60;

    /// <summary>Reminder lead time before the end when the user set none.</summary>
    public const int DefaultRemindEndMinutes = 15;

    public Guid UserId { get; set; }

    /// <summary>Send notifications to the linked Telegram chat (if any).</summary>
    public bool Telegram { get; set; } = true;

    /// <summary>Minutes before the start a reminder is sent; 0 for none.</summary>
    public int RemindStartMinutes { get; set; } = DefaultRemindStartMinutes;

    /// <summary>Minutes before the end a reminder is sent; 0 for none.</summary>
    public int RemindEndMinutes { get; set; } = DefaultRemindEndMinutes;
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A Telegram chat linked to a user.</summary>
public sealed class TelegramLink
{
    public Guid UserId { get; set; }
    public long ChatId { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>A one-time link code, stored only as its SHA-256 hash.</summary>
public sealed class TelegramLinkCode
{
    public required byte[] CodeHash { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A notification a user received (the watch stream's history).</summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Event { get; set; }
    public Guid? BookingId { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Notifications.Webhooks;

/// <summary>Webhook delivery (<c>EdgeAccess:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Webhooks";

    /// <summary>How long one POST may take before it counts as failed (and is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

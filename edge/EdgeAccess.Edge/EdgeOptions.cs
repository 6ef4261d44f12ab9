using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Edge;

/// <summary>The edge node's identity and its hub, bound from <c>EdgeAccess:Edge</c> and validated at start.</summary>
public sealed class EdgeOptions
{
    /// <summary>This node's id, unique in the deployment: lowercase letters, digits and dashes.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "NodeId must be 1-63 lowercase letters, digits or dashes.")]
    public string NodeId { get; set; } = string.Empty;

    /// <summary>The hub's gRPC address, e.g. <c>http://127.0.0.1:5100</c> or <c>https://hub.example.org</c>.</summary>
    [Required]
    [Url]
    public string HubAddress { get; set; } = string.Empty;

    /// <summary>How often the link to the hub is checked while it is up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HubCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between reconnection attempts while the hub is unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);
}

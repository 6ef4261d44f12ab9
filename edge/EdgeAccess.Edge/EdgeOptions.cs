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

    /// <summary>
    /// The deployment's own CA certificate (PEM) for an <c>https://</c> hub: the hub's certificate
    /// must chain to it and name the hub's host, whatever the operating system trusts; a
    /// certificate from any other issuer (a man in the middle) fails the connection. Required for
    /// an https hub address unless <see cref="TrustSystemCertificates"/> is set.
    /// </summary>
    public string? HubCaCertificatePath { get; set; }

    /// <summary>
    /// Accept hub certificates the operating system trusts instead of a deployment CA (hubs behind a
    /// public certificate). Ignored when <see cref="HubCaCertificatePath"/> is set: the deployment CA wins.
    /// </summary>
    public bool TrustSystemCertificates { get; set; }

    /// <summary>
    /// The one-time enrollment code an admin issued for this node. Used once when the data folder
    /// holds no node credential yet; afterwards the stored, rotating node token is used and the
    /// code may be removed from the configuration.
    /// </summary>
    public string? EnrollmentCode { get; set; }

    /// <summary>How often the node rotates its token while connected.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TokenRotationInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the node sends a heartbeat on the sync stream; the stream is restarted when the hub stays silent for three intervals.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SyncHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the node recomputes its replica's digest when the hub sent none (the hub also sends one after each reconnect).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan IntegrityCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the link to the hub is checked while it is up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HubCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between reconnection attempts while the hub is unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);
}

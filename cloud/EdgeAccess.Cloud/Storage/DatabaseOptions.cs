using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Storage;

/// <summary>Where the hub keeps its data (<c>EdgeAccess:Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Database";

    /// <summary>Npgsql connection string of the hub database. Comes from the environment or a secret store.</summary>
    [Required(ErrorMessage = "EdgeAccess:Database:ConnectionString is required (deploy/local/up.sh sets it for the demo)")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply missing migrations at start (on by default; several hubs may start together).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

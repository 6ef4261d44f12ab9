namespace EdgeAccess.Edge.HubLink;

/// <summary>What the node last learnt about its link to the hub.</summary>
public sealed class HubLinkState
{
    private volatile Snapshot _current = new(false, null, null, null);

    /// <summary>The latest state.</summary>
    public Snapshot Current => _current;

    internal void Up(DateTimeOffset at, string hubVersion, TimeSpan clockSkew) => _current = new(true, at, hubVersion, clockSkew);

    internal void Down() => _current = _current with { IsUp = false };

    /// <summary>One observation of the link.</summary>
    /// <param name="IsUp">Whether the last check reached the hub.</param>
    /// <param name="LastContact">When the hub last answered.</param>
    /// <param name="HubVersion">The hub's version at that time.</param>
    /// <param name="ClockSkew">Hub clock minus node clock at that time.</param>
    public sealed record Snapshot(bool IsUp, DateTimeOffset? LastContact, string? HubVersion, TimeSpan? ClockSkew);
}

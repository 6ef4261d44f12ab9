namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>The watchdog's open alert of a node (stored in <c>node_alerts.alert</c>).</summary>
public enum NodeAlert : short
{
    /// <summary>No alert: the node is fine, or its episode ended.</summary>
    None = 0,

    /// <summary>Online and behind its site's head, but not acknowledging.</summary>
    Stalled = 1,

    /// <summary>Enrolled but not online for longer than <see cref="WatchdogOptions.OfflineAfter"/>.</summary>
    Offline = 2,
}

/// <summary>A change of a node's alert that this hub instance raised (and logged and counted).</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Previous">The alert that ended (<see cref="NodeAlert.None"/> when an episode began).</param>
/// <param name="Current">The alert now (<see cref="NodeAlert.None"/>: recovered).</param>
public readonly record struct NodeAlertChange(string NodeId, NodeAlert Previous, NodeAlert Current);

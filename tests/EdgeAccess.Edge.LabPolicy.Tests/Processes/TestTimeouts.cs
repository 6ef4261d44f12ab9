namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

/// <summary>Every await in a test is bounded (CONVENTIONS: no test hangs CI).</summary>
public static class TestTimeouts
{
    /// <summary>The default bound for one awaited step.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>Awaits <paramref name="task"/> at most <paramref name="timeout"/> (default 30 s).</summary>
    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    /// <summary>Awaits <paramref name="task"/> at most <paramref name="timeout"/> (default 30 s).</summary>
    public static Task WithTimeout(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);
}

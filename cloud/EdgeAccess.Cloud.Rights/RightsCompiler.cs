using EdgeAccess.Cloud.Data;

namespace EdgeAccess.Cloud.Rights;

/// <summary>Compiles effective rights (placeholder while the compiler lands).</summary>
public sealed partial class RightsCompiler
{
    internal Task<RightsScope> ResolveAsync(HubDbContext db, ChangePlan plan, CancellationToken cancellationToken) => Task.FromResult(new RightsScope());

    internal Task CheckModelRulesAsync(HubDbContext db, ChangePlan plan, CancellationToken cancellationToken) => Task.CompletedTask;

    internal Task<int> PublishAsync(HubDbContext db, ChangePlan plan, RightsScope scope, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);
}

/// <summary>Which people and doors a change affects.</summary>
public sealed class RightsScope
{
    internal RightsScope Union(RightsScope other) => other is null ? this : this;
}

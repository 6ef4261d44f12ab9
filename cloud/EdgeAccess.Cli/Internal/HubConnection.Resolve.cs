using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// Turns what the user typed for <c>--site</c>, <c>--door</c>, <c>--group</c>, <c>--person</c> or <c>--resource</c>
/// into the entity: an id (UUID) is fetched; anything else is a name, matched by listing with the
/// hub's case-insensitive <c>name_contains</c> filter (resources: every resource, the list has no
/// name filter) and then taking, in this order, the one exact
/// match, the one case-insensitive exact match, or the one substring match.
/// </summary>
internal sealed partial class HubConnection
{
    public Task<Site> SiteAsync(string input, CancellationToken ct) => ResolveAsync(
        "site", input, s => s.Name, s => s.Id,
        id => CallAsync(o => Sites.GetSiteAsync(new GetSiteRequest { Id = id }, o), ct),
        async name => (await Pages.AllAsync(t => CallAsync(o => Sites.ListSitesAsync(new ListSitesRequest { PageSize = Pages.Size, PageToken = t, NameContains = name }, o), ct)).ConfigureAwait(false)).Sites);

    public Task<Door> DoorAsync(string input, CancellationToken ct) => ResolveAsync(
        "door", input, d => d.Name, d => d.Id,
        id => CallAsync(o => Sites.GetDoorAsync(new GetDoorRequest { Id = id }, o), ct),
        async name => (await Pages.AllAsync(t => CallAsync(o => Sites.ListDoorsAsync(new ListDoorsRequest { PageSize = Pages.Size, PageToken = t, NameContains = name }, o), ct)).ConfigureAwait(false)).Doors);

    public Task<Group> GroupAsync(string input, CancellationToken ct) => ResolveAsync(
        "group", input, g => g.Name, g => g.Id,
        id => CallAsync(o => Groups.GetGroupAsync(new GetGroupRequest { Id = id }, o), ct),
        async name => (await Pages.AllAsync(t => CallAsync(o => Groups.ListGroupsAsync(new ListGroupsRequest { PageSize = Pages.Size, PageToken = t, NameContains = name }, o), ct)).ConfigureAwait(false)).Groups);

    public Task<Person> PersonAsync(string input, CancellationToken ct) => ResolveAsync(
        "person", input, p => p.DisplayName, p => p.Id,
        id => CallAsync(o => People.GetPersonAsync(new GetPersonRequest { Id = id }, o), ct),
        async name => (await Pages.AllAsync(t => CallAsync(o => People.ListPeopleAsync(new ListPeopleRequest { PageSize = Pages.Size, PageToken = t, NameContains = name }, o), ct)).ConfigureAwait(false)).People);

    public Task<BookableResource> ResourceAsync(string input, CancellationToken ct) => ResolveAsync(
        "resource", input, r => r.Name, r => r.Id,
        id => CallAsync(o => Booking.GetResourceAsync(new GetResourceRequest { Id = id }, o), ct),
        async name => (await Pages.AllAsync(t => CallAsync(o => Booking.ListResourcesAsync(new ListResourcesRequest { PageSize = Pages.Size, PageToken = t }, o), ct)).ConfigureAwait(false)).Resources);

    private static async Task<T> ResolveAsync<T>(
        string kind,
        string input,
        Func<T, string> nameOf,
        Func<T, string> idOf,
        Func<string, Task<T>> get,
        Func<string, Task<IEnumerable<T>>> list)
    {
        input = input.Trim();
        if (input.Length == 0)
        {
            throw CliException.Usage($"the {kind} is empty: give its name or id");
        }

        if (Guid.TryParse(input, out _))
        {
            try
            {
                return await get(input).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                throw CliException.NotFound($"no {kind} has the id {input}");
            }
        }

        var candidates = (await list(input).ConfigureAwait(false))
            .Where(c => nameOf(c).Contains(input, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var exact = candidates.Where(c => string.Equals(nameOf(c), input, StringComparison.Ordinal)).ToList();
        var exactIgnoringCase = candidates.Where(c => string.Equals(nameOf(c), input, StringComparison.OrdinalIgnoreCase)).ToList();
        var choice = exact.Count == 1 ? exact[0]
            : exactIgnoringCase.Count == 1 ? exactIgnoringCase[0]
            : candidates.Count == 1 ? candidates[0]
            : default;
        if (choice is not null)
        {
            return choice;
        }

        if (candidates.Count == 0)
        {
            throw CliException.NotFound($"no {kind} is named \"{input}\" or has it in its name");
        }

        var shown = string.Join(", ", candidates.Take(8).Select(c => $"\"{nameOf(c)}\" ({idOf(c)})"));
        var more = candidates.Count > 8 ? $" and {candidates.Count - 8} more" : "";
        throw CliException.Usage($"{kind} \"{input}\" is ambiguous: it matches {shown}{more}; give more of the name or the id");
    }
}

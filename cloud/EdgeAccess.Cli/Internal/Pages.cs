using Google.Protobuf;

namespace EdgeAccess.Cli.Internal;

/// <summary>Reads every page of a list RPC (page_token / next_page_token, as all admin lists page).</summary>
internal static class Pages
{
    /// <summary>The largest page the hub serves.</summary>
    public const int Size = 500;

    private const int MaxPages = 10_000;

    /// <summary>
    /// Fetches pages until <c>next_page_token</c> is empty and answers them merged into one
    /// response: protobuf merging appends the repeated fields, so <c>--json</c> prints one message
    /// of the RPC's own response type, with an empty <c>next_page_token</c>.
    /// </summary>
    public static async Task<T> AllAsync<T>(Func<string, Task<T>> fetch)
        where T : class, IMessage<T>
    {
        T? all = null;
        var token = "";
        for (var i = 0; i < MaxPages; i++)
        {
            var page = await fetch(token).ConfigureAwait(false);
            var next = page.Descriptor.FindFieldByName("next_page_token")
                ?? throw new InvalidOperationException($"{page.Descriptor.FullName} has no next_page_token");
            token = (string)next.Accessor.GetValue(page);
            if (all is null)
            {
                all = page;
            }
            else
            {
                all.MergeFrom(page);
            }

            if (token.Length == 0)
            {
                next.Accessor.Clear(all);
                return all;
            }
        }

        throw new CliException("OUT_OF_RANGE", $"more than {MaxPages} pages; narrow the query");
    }
}

using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>Explain-access and who-can-open answers as text.</summary>
internal static class AccessText
{
    public static void WriteExplanation(TextWriter output, ExplainAccessResponse answer)
    {
        var verdict = answer.Granted
            ? answer.PinRequired ? "GRANTED (PIN required)" : "GRANTED"
            : $"DENIED: {Text.Name(answer.Reason)}";
        output.WriteLine(verdict);
        output.WriteLine(answer.Summary);
        output.WriteLine();
        var fields = new List<(string, string)>
        {
            ("door", Door(answer.Door)),
            ("time", answer.LocalTime),
        };
        if (answer.Card is { } card)
        {
            fields.Add(("card", $"{Text.Card(card.LastDigits)} {Text.Name(card.Status)}, {(card.PinSet ? "PIN set" : "no PIN set")}, valid {Window(card.Validity)} ({card.Id})"));
        }
        else
        {
            fields.Add(("card", "unknown"));
        }

        if (answer.Person is { } person)
        {
            fields.Add(("holder", $"{person.DisplayName}{(person.Active ? "" : " (inactive)")} ({person.Id})"));
        }

        TextTable.WriteFields(output, [.. fields]);
        if (answer.Paths.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("Grant paths:");
        var table = new TextTable("ADMITS", "VIA", "GROUPS", "SCHEDULE", "PIN", "STATUS", "WHY");
        foreach (var path in answer.Paths)
        {
            var via = path.Kind == AccessPathKind.DirectGrant
                ? $"direct grant{(path.GrantReason.Length > 0 ? $" ({path.GrantReason})" : "")}"
                : $"scheme {path.SchemeName}";
            var groups = string.Join(" > ", path.Groups.Select(g => g.Active ? g.Name : g.Name + " (inactive)"));
            table.Add(Text.YesNo(path.Admits), via, Text.OrDash(groups), path.ScheduleName, path.RequiresPin ? "required" : "-",
                Text.Name(path.Status), path.Why);
        }

        table.WriteTo(output, "");
    }

    public static void WriteWhoCanOpen(TextWriter output, WhoCanOpenResponse answer)
    {
        output.WriteLine($"{Door(answer.Door)} at {answer.LocalTime}: {answer.Entries.Count} card(s)");
        var table = new TextTable("CARD", "HOLDER", "PIN", "SCHEDULES", "CARD ID");
        foreach (var entry in answer.Entries)
        {
            var pin = !entry.PinRequired ? "-" : entry.PinSet ? "required" : "required, not set";
            var schedules = string.Join(", ", entry.Terms.Select(t => t.ScheduleName).Distinct());
            table.Add(Text.Card(entry.CardLastDigits), entry.PersonDisplayName, pin, schedules, entry.CardId);
        }

        table.WriteTo(output, "Nobody can open it then.");
    }

    private static string Door(AccessDoorFacts? door) => door is null
        ? "door"
        : $"{door.Name} ({door.SiteName}, {door.TimeZone}{(door.RequiresPin ? ", PIN required" : "")})";

    private static string Window(AccessWindow? window) => window switch
    {
        null => "always",
        { Empty: true } => "never",
        _ => Text.Window(window.ValidFrom, window.ValidTo),
    };
}

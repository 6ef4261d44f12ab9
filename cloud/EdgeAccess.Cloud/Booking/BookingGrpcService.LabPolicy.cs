using System.Globalization;
using System.Text.RegularExpressions;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    /// <summary>The longest lead or grace time of a lab policy, in seconds (a day; 0011_lab_policy.sql).</summary>
    internal const int MaxLabSeconds = 86_400;

    /// <summary>The longest check interval of a lab policy, in seconds (0011_lab_policy.sql).</summary>
    internal const int MaxLabInterval = 5;

    /// <summary>The most exempt accounts one policy lists.</summary>
    internal const int MaxExemptAccounts = 32;

    private const string LabField = "resource.lab_policy";

    /// <summary>A lab policy as it is stored (seconds; 0: the node's default).</summary>
    private sealed record LabFields(Stored.LabMode Mode, int Warning, int Grace, int Interval, string[] Exempt, string OsGroup);

    /// <summary>
    /// A POSIX portable login or group name as shadow-utils accepts it by default
    /// (<c>useradd(8)</c>, NAME_REGEX): lower case, digits, '_', '.', '-', not starting with a
    /// digit, '.' or '-', at most 32 characters, optionally ending in '$' (Samba machine accounts).
    /// </summary>
    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}\$?$", RegexOptions.CultureInvariant)]
    private static partial Regex PosixName();

    /// <summary>The lab policy of a create or update; null when the request leaves it unset.</summary>
    private static LabFields? ReadLabPolicy(LabPolicy? input)
    {
        if (input is null)
        {
            return null;
        }

        var mode = input.Mode switch
        {
            LabPolicyMode.Off => Stored.LabMode.Off,
            LabPolicyMode.Monitor => Stored.LabMode.Monitor,
            LabPolicyMode.Enforce => Stored.LabMode.Enforce,
            _ => throw ApiErrors.Invalid(LabField + ".mode", "must be LAB_POLICY_MODE_OFF, LAB_POLICY_MODE_MONITOR or LAB_POLICY_MODE_ENFORCE"),
        };
        var warning = Seconds(input.WarningLeadSeconds, MaxLabSeconds, LabField + ".warning_lead_seconds");
        var grace = Seconds(input.GraceSeconds, MaxLabSeconds, LabField + ".grace_seconds");
        var interval = Seconds(input.CheckIntervalSeconds, MaxLabInterval, LabField + ".check_interval_seconds");
        AdminFields.AtMost(input.ExemptAccounts.Count, MaxExemptAccounts, LabField + ".exempt_accounts");
        var exempt = new List<string>(input.ExemptAccounts.Count);
        for (var i = 0; i < input.ExemptAccounts.Count; i++)
        {
            var field = AdminFields.Indexed(LabField + ".exempt_accounts", i);
            var name = input.ExemptAccounts[i];
            if (!PosixName().IsMatch(name))
            {
                throw ApiErrors.Invalid(field, "must be a login name: a lowercase letter or '_', then up to 31 lowercase letters, digits, '_', '.' or '-'");
            }

            if (exempt.Contains(name, StringComparer.Ordinal))
            {
                throw ApiErrors.Invalid(field, $"\"{name}\" is listed twice");
            }

            exempt.Add(name);
        }

        var group = input.OsGroup;
        if (group.Length > 0 && !PosixName().IsMatch(group))
        {
            throw ApiErrors.Invalid(LabField + ".os_group", "must be empty or a group name: a lowercase letter or '_', then up to 31 lowercase letters, digits, '_', '.' or '-'");
        }

        return new LabFields(mode, warning, grace, interval, [.. exempt], group);
    }

    /// <summary>
    /// A control program: an absolute path or a glob pattern of one (the node matches the
    /// executable's path), so it starts with '/', at most PATH_MAX (4096) characters, no control
    /// characters (a NUL or newline could never match a path and breaks the node's logs).
    /// </summary>
    private static string ReadProgram(string value, int index)
    {
        var field = AdminFields.Indexed("resource.control_programs", index);
        var program = Validate.Text(value, field, 4096);
        return program.StartsWith('/')
            ? program
            : throw ApiErrors.Invalid(field, "must be an absolute path or pattern, starting with '/'");
    }

    private static int Seconds(int value, int max, string field) =>
        value >= 0 && value <= max
            ? value
            : throw ApiErrors.Invalid(field, string.Create(CultureInfo.InvariantCulture, $"must be between 0 (the default) and {max}"));

    /// <summary>Sets the stored policy; only changed columns are touched, so an unchanged policy adds nothing to the audit trail.</summary>
    private static void ApplyLabPolicy(Stored.BookingResource resource, LabFields? lab)
    {
        if (lab is null)
        {
            return;
        }

        resource.LabMode = lab.Mode;
        resource.LabWarningSeconds = lab.Warning;
        resource.LabGraceSeconds = lab.Grace;
        resource.LabIntervalSeconds = lab.Interval;
        if (!resource.LabExemptAccounts.SequenceEqual(lab.Exempt, StringComparer.Ordinal))
        {
            resource.LabExemptAccounts = lab.Exempt;
        }

        resource.LabOsGroup = lab.OsGroup;
    }

    /// <summary>
    /// A policy other than off needs the node that enforces it (0011's lab_mode_node check), also
    /// when an update removes the node and leaves the policy unset.
    /// </summary>
    private static void CheckLabNode(Stored.BookingResource resource)
    {
        if (resource.LabMode != Stored.LabMode.Off && resource.NodeId is null)
        {
            throw ApiErrors.Invalid(LabField + ".mode", "needs resource.node_id: the edge node (lab server) that applies the policy; set the mode to LAB_POLICY_MODE_OFF to run without one");
        }
    }
}

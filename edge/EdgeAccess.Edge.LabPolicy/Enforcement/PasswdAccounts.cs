using EdgeAccess.Edge.LabPolicy.Accounts;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>
/// Local account names by uid from <c>/etc/passwd</c> (passwd(5)), re-read when the file changes.
/// Accounts from other sources (LDAP through NSS) are named by their node-account link instead.
/// </summary>
public sealed class PasswdAccounts(string path = AccountSource.DefaultPath)
{
    private readonly Lock _lock = new();
    private DateTime _readAt;
    private Dictionary<long, string> _names = [];

    /// <summary>The name of <paramref name="uid"/>, or null.</summary>
    public string? NameOf(long uid)
    {
        lock (_lock)
        {
            Refresh();
            return _names.GetValueOrDefault(uid);
        }
    }

    private void Refresh()
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(path);
            if (written == _readAt)
            {
                return;
            }

            // The same parsing as the account report, so the policy and the hub name an account alike.
            var names = AccountSource.Read(path).ToDictionary(a => a.Uid, a => a.Name);
            _names = names;
            _readAt = written;
        }
        catch (IOException)
        {
            // Keep the last names read.
        }
        catch (UnauthorizedAccessException)
        {
            // Keep the last names read.
        }
    }
}

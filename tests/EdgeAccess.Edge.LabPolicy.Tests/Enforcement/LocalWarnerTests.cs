using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.LabPolicy.Tests.Processes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

public sealed partial class LocalWarnerTests : IDisposable
{
    private const int ReadWrite = 2;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edgeaccess-warner-" + Guid.NewGuid().ToString("N")[..12]);

    public LocalWarnerTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task WarnAsync_UserOwnsAPty_TheMessageAppearsOnIt()
    {
        // A real pseudo-terminal: the warner writes to /dev/pts/N, the test reads the master side.
        var master = OpenPty(out var slave);
        try
        {
            Assert.Equal(0, Chown(slave, (uint)TestPrograms.UserA, uint.MaxValue));
            var other = new LocalWarner(new LocalWarnerOptions());
            var warner = new LocalWarner(new LocalWarnerOptions());

            var missed = await other.WarnAsync(Warning(TestPrograms.UserB, "not for you")).WithTimeout();
            var result = await warner.WarnAsync(Warning(TestPrograms.UserA, "programs stop at 10:01")).WithTimeout();

            Assert.DoesNotContain(slave, missed.Terminals);
            Assert.Contains(slave, result.Terminals);
            Assert.Null(result.CommandExitCode);
            var text = ReadAvailable(master);
            Assert.Contains("programs stop at 10:01", text, StringComparison.Ordinal);
            Assert.DoesNotContain("not for you", text, StringComparison.Ordinal);
        }
        finally
        {
            _ = Close(master);
        }
    }

    [Fact]
    public async Task WarnAsync_Command_GetsPlaceholdersAsArgumentsAndTheMessageOnStdin()
    {
        var output = Path.Combine(_folder, "out.txt");
        var warner = new LocalWarner(new LocalWarnerOptions
        {
            WriteToTerminals = false,
            Command = ["/bin/sh", "-c", "cat > \"$0\"; printf '%s|' \"$@\" >> \"$0\"", output, "{user}", "{uid}", "{resource}", "{resource_id}", "{deadline}", "{message}"],
        });

        var result = await warner.WarnAsync(Warning(TestPrograms.UserA, "stop; $(rm -rf /) `x`")).WithTimeout();

        Assert.Equal(0, result.CommandExitCode);
        Assert.Equal(
            "stop; $(rm -rf /) `x`\nada|61001|Microscope|res-1|2025-06-11T08:01:00Z|stop; $(rm -rf /) `x`|",
            await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task WarnAsync_HangingCommand_IsKilledAtTheTimeout()
    {
        var warner = new LocalWarner(new LocalWarnerOptions
        {
            WriteToTerminals = false,
            Command = ["/bin/sleep", "600"],
            CommandTimeout = TimeSpan.FromMilliseconds(300),
        });
        var watch = Stopwatch.StartNew();

        var result = await warner.WarnAsync(Warning(TestPrograms.UserA, "x")).WithTimeout();

        Assert.Equal(-1, result.CommandExitCode);
        Assert.Contains("timed out", result.CommandError, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WarnAsync_MissingCommand_ReportsItDidNotStart()
    {
        var warner = new LocalWarner(new LocalWarnerOptions { WriteToTerminals = false, Command = ["/nonexistent/notify"] });

        var result = await warner.WarnAsync(Warning(TestPrograms.UserA, "x")).WithTimeout();

        Assert.Equal(-1, result.CommandExitCode);
        Assert.Contains("did not start", result.CommandError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LocalWarning Warning(long uid, string message) =>
        new(uid, "ada", "res-1", "Microscope", message, new DateTimeOffset(2025, 6, 11, 8, 1, 0, TimeSpan.Zero));

    private static int OpenPty(out string slave)
    {
        var master = Open("/dev/ptmx", ReadWrite | NoControllingTerminal | NonBlocking);
        Assert.True(master >= 0, $"open /dev/ptmx: errno {Marshal.GetLastPInvokeError()}");
        Assert.Equal(0, GrantPt(master));
        Assert.Equal(0, UnlockPt(master));
        var name = new byte[128];
        Assert.Equal(0, PtsNameR(master, name, (nuint)name.Length));
        slave = Encoding.UTF8.GetString(name, 0, Array.IndexOf(name, (byte)0));
        return master;
    }

    private static string ReadAvailable(int fd)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        nint read;
        while ((read = Read(fd, buffer, (nuint)buffer.Length)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, (int)read));
        }

        return text.ToString();
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "grantpt")]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt")]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r")]
    private static partial int PtsNameR(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, [Out] byte[] buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

namespace EdgeAccess.SystemTests.Infrastructure;

/// <summary>
/// A "control program" run as another OS user, as on a lab server: a copy of /bin/sleep under a
/// unique path (so the policy's pattern matches only this test's processes), started through
/// setpriv with the given uid in its own process group. The tests run as root.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LabProgram : IDisposable
{
    private readonly Process _process;

    private LabProgram(Process process) => _process = process;

    /// <summary>The program's pid.</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process has ended (reaped).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>A unique copy of /bin/sleep in <paramref name="directory"/>; returns its path.</summary>
    public static string Install(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.Copy("/bin/sleep", path, overwrite: true);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>Starts <paramref name="path"/> as <paramref name="uid"/> in a new session (and so a new process group).</summary>
    public static LabProgram Start(string path, int uid)
    {
        var info = new ProcessStartInfo("/usr/bin/setpriv") { UseShellExecute = false, RedirectStandardInput = true };
        var id = uid.ToString(CultureInfo.InvariantCulture);
        foreach (var argument in new[] { $"--reuid={id}", $"--regid={id}", "--clear-groups", "/usr/bin/setsid", "--wait", path, "600" })
        {
            info.ArgumentList.Add(argument);
        }

        return new LabProgram(Process.Start(info)!);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}

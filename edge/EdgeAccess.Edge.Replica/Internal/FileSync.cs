using System.Runtime.InteropServices;

namespace EdgeAccess.Edge.Replica.Internal;

/// <summary>fsync of files and directories, which .NET exposes only for files.</summary>
internal static partial class FileSync
{
    // O_RDONLY: a directory opens read-only without O_DIRECTORY, whose value differs per architecture.
    private const int ReadOnly = 0;

    /// <summary>Forces a file's contents to stable storage.</summary>
    public static void File(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        // Flush(true) calls fsync(2) on Unix and FlushFileBuffers on Windows.
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Forces a directory entry change (a rename) to stable storage. POSIX makes rename atomic but
    /// not durable: without fsync of the directory a power loss may bring back the old name.
    /// </summary>
    public static void Directory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Windows (NTFS) journals metadata itself; other systems are not targets.
        }

        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

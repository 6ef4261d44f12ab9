using System.Runtime.InteropServices;

namespace EdgeAccess.Edge.LabPolicy.Processes.Internal;

/// <summary>
/// The libc calls the process side needs and .NET does not expose: raw reads of procfs files
/// (no exception when a process vanishes mid-read), readlink, signals through pidfds (race-free
/// against pid reuse), statx for a terminal's owner and non-blocking writes. Linux only.
/// </summary>
/// <remarks>
/// Flag values are the asm-generic ones, identical on x86-64 and arm64 (open(2), statx(2)); the
/// pidfd syscalls were added after the syscall tables were unified, so they have the same number
/// on every architecture (pidfd_send_signal 424, pidfd_open 434; syscall(2) man page).
/// </remarks>
internal static unsafe partial class LibC
{
    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public const int NoControllingTerminal = 0x100;   // O_NOCTTY
    public const int NonBlocking = 0x800;             // O_NONBLOCK
    public const int CloseOnExec = 0x80000;           // O_CLOEXEC

    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const int NoSuchProcess = 3;               // ESRCH
    public const int NoSuchSyscall = 38;              // ENOSYS
    public const int Interrupted = 4;                 // EINTR

    private const long PidfdSendSignalSyscall = 424;
    private const long PidfdOpenSyscall = 434;
    private const int AtCurrentDirectory = -100;      // AT_FDCWD
    private const int AtSymlinkNoFollow = 0x100;      // AT_SYMLINK_NOFOLLOW
    private const uint StatxTypeModeUid = 0x1 | 0x2 | 0x8; // STATX_TYPE | STATX_MODE | STATX_UID
    private const int ClockTicksName = 2;             // _SC_CLK_TCK

    private static int _pidfdUnsupported;

    /// <summary>Clock ticks per second, the unit of a process's start time in <c>/proc/pid/stat</c>.</summary>
    public static long ClockTicksPerSecond { get; } = SysConf(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    /// <summary>
    /// Reads a whole procfs file into <paramref name="buffer"/> (grown as needed) without throwing.
    /// A procfs file is generated whole: a read that returns less than asked is its end, which
    /// saves the second read(2) that would return 0 (a third of the syscalls of a scan).
    /// </summary>
    /// <returns>The bytes read, or -1 when the file cannot be opened or read (the process is gone).</returns>
    public static int ReadFile(string path, ref byte[] buffer)
    {
        var fd = Open(path, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            return -1;
        }

        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var wanted = buffer.Length - total;
                nint read;
                fixed (byte* p = &buffer[total])
                {
                    read = Read(fd, p, (nuint)wanted);
                }

                if (read < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Interrupted)
                    {
                        continue;
                    }

                    return total > 0 ? total : -1;
                }

                total += (int)read;
                if (read < wanted)
                {
                    return total;
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The target of a symbolic link (e.g. <c>/proc/pid/exe</c>), or null.</summary>
    public static string? ReadLink(string path, ref byte[] buffer)
    {
        while (true)
        {
            nint length;
            fixed (byte* p = buffer)
            {
                length = ReadLinkNative(path, p, (nuint)buffer.Length);
            }

            if (length < 0)
            {
                return null;
            }

            if (length < buffer.Length)
            {
                return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length);
            }

            Array.Resize(ref buffer, buffer.Length * 2); // possibly truncated: retry larger
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> only if it still is the process that
    /// started at <paramref name="startTicks"/>: a pidfd pins the process, then its start time is
    /// checked, then the signal goes through the pidfd (pidfd_send_signal(2)) — a pid reused between
    /// the check and the signal cannot be hit. Falls back to check-then-kill(2) before Linux 5.3.
    /// </summary>
    /// <returns>True when the signal was delivered; false when the process is gone or is another one now.</returns>
    public static bool SignalIfSame(int pid, ulong startTicks, int signal, Func<int, ulong?> readStartTicks)
    {
        if (Volatile.Read(ref _pidfdUnsupported) == 0)
        {
            var pidfd = (int)Syscall(PidfdOpenSyscall, pid, 0, 0, 0);
            if (pidfd >= 0)
            {
                try
                {
                    return readStartTicks(pid) == startTicks && Syscall(PidfdSendSignalSyscall, pidfd, signal, 0, 0) == 0;
                }
                finally
                {
                    _ = Close(pidfd);
                }
            }

            if (Marshal.GetLastPInvokeError() != NoSuchSyscall)
            {
                return false; // ESRCH: gone
            }

            Volatile.Write(ref _pidfdUnsupported, 1);
        }

        return readStartTicks(pid) == startTicks && Kill(pid, signal) == 0;
    }

    /// <summary>The owner uid of a character device, or null when it is none or cannot be read.</summary>
    public static uint? CharacterDeviceOwner(string path)
    {
        // struct statx (linux/stat.h): stx_uid at offset 20, stx_mode (u16) at offset 28; 256 bytes.
        var buffer = stackalloc byte[256];
        if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxTypeModeUid, buffer) != 0)
        {
            return null;
        }

        var mode = *(ushort*)(buffer + 28);
        return (mode & 0xF000) == 0x2000 ? *(uint*)(buffer + 20) : null;
    }

    /// <summary>Writes to a terminal without ever blocking (O_NONBLOCK: a stopped terminal drops the text).</summary>
    public static bool WriteNonBlocking(string path, ReadOnlySpan<byte> data)
    {
        var fd = Open(path, WriteOnly | NoControllingTerminal | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            fixed (byte* p = data)
            {
                return Write(fd, p, (nuint)data.Length) > 0;
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The canonical path (symbolic links resolved), or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, null);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ReadLinkNative(string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long arg1, long arg2, long arg3, long arg4);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}

using System.Runtime.InteropServices;

namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// Opens and reads whole files that come from users (images, calibration folders, replayed frames) only
/// when they are regular files no larger than a limit: the kind and the size are checked before the file is
/// opened, and reads never go past the size that was checked.
/// </summary>
/// <remarks>
/// The check comes before opening because opening is already the harm: a FIFO blocks the open until a
/// writer appears, and <c>/dev/zero</c> reports a size of 0 yet never ends. Every failure is reported through
/// the caller's error factory with a sentence that says why (see <see cref="Problem"/>).
/// </remarks>
public static partial class BoundedFile
{
    /// <summary>Why <paramref name="path"/> cannot be read as a regular file of at most <paramref name="maxBytes"/>, or null.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="length">The file's size, when the answer is null.</param>
    /// <param name="limitSetting">The setting that raises the limit, named in the message when given.</param>
    /// <returns>A sentence such as "it is a directory, not a file.", or null.</returns>
    public static string? Problem(string path, long maxBytes, out long length, string? limitSetting = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        length = 0;
        if (FileKinds.TryGetKind(path, out var kind, out var size) is { } statError)
        {
            return statError;
        }

        if (kind != FileKind.Regular)
        {
            return kind switch
            {
                FileKind.Directory => "it is a directory, not a file.",
                FileKind.Fifo => "it is a FIFO (named pipe), not a regular file; only regular files are read.",
                FileKind.CharacterDevice => "it is a character device (such as /dev/zero), not a regular file; only regular files are read.",
                FileKind.BlockDevice => "it is a block device, not a regular file; only regular files are read.",
                FileKind.Socket => "it is a socket, not a regular file; only regular files are read.",
                _ => "it is not a regular file; only regular files are read.",
            };
        }

        if (size > maxBytes)
        {
            var setting = limitSetting is null ? string.Empty : $" ({limitSetting})";
            return $"it is {size} bytes, more than the limit of {maxBytes} bytes{setting}; check the file{(limitSetting is null ? "" : " or raise the limit")}.";
        }

        length = size;
        return null;
    }

    /// <summary>
    /// Why <paramref name="path"/> (inside <paramref name="root"/>) leads out of <paramref name="root"/> through a
    /// symbolic link (the file itself or a folder between), or null. Links that stay inside are allowed.
    /// </summary>
    /// <param name="root">The directory the file must stay in (a state or bundle directory).</param>
    /// <param name="path">The file.</param>
    public static string? LinkProblem(string root, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var full = Path.GetFullPath(path);
        for (var current = full; current.Length > fullRoot.Length && RelativePath.IsInside(fullRoot, current); current = Path.GetDirectoryName(current)!)
        {
            // FileInfo reads the link itself (lstat) whether it names a file or a folder.
            var link = new FileInfo(current);
            if (link.LinkTarget is null)
            {
                continue;
            }

            var target = link.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !RelativePath.IsInside(fullRoot, Path.GetFullPath(target.FullName)))
            {
                return $"it is {(current == full ? string.Empty : "inside ")}a symbolic link that leads out of '{fullRoot}'; files there must lie inside it, so it is not read.";
            }
        }

        return null;
    }

    /// <summary>Opens a regular file of at most <paramref name="maxBytes"/> for reading, after checking it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="error">Makes the caller's exception from a reason sentence.</param>
    /// <param name="limitSetting">The setting that raises the limit, named in the message when given.</param>
    /// <returns>The open stream (sequential reads); the caller disposes it and reads no more than <paramref name="maxBytes"/>.</returns>
    public static FileStream OpenRead(string path, long maxBytes, Func<string, Exception> error, string? limitSetting = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Problem(path, maxBytes, out _, limitSetting) is { } problem)
        {
            throw error(problem);
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw error(Unreadable(ex));
        }
    }

    /// <summary>Reads a regular file of at most <paramref name="maxBytes"/>, after checking it; never reads more than its checked size.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="error">Makes the caller's exception from a reason sentence.</param>
    /// <param name="limitSetting">The setting that raises the limit, named in the message when given.</param>
    /// <returns>The content (shorter than checked if the file shrank meanwhile).</returns>
    public static byte[] ReadAllBytes(string path, long maxBytes, Func<string, Exception> error, string? limitSetting = null)
    {
        using var stream = OpenRead(path, maxBytes, error, limitSetting);
        try
        {
            // The size checked above, not whatever the file grows to: the read is bounded either way.
            var buffer = new byte[Math.Min(stream.Length, maxBytes)];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return read == buffer.Length ? buffer : buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw error(Unreadable(ex));
        }
    }

    private static string Unreadable(Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException
        ? "the file does not exist."
        : $"the file could not be read: {ex.Message}";

    private enum FileKind
    {
        Other,
        Regular,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
    }

    /// <summary>The kind and size of a file, from <c>statx</c> on Linux and from the BCL elsewhere.</summary>
    private static partial class FileKinds
    {
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const uint StatxSize = 0x200;
        private const int NoSuchFile = 2;
        private const int NotADirectory = 20;

        // struct statx is the same on every Linux architecture: 256 bytes, stx_mode (u16) at 28, stx_size (u64) at 40.
        private const int StatxBytes = 256;
        private const int ModeOffset = 28;
        private const int SizeOffset = 40;

        public static string? TryGetKind(string path, out FileKind kind, out long size)
        {
            kind = FileKind.Other;
            size = 0;
            if (OperatingSystem.IsLinux())
            {
                try
                {
                    return Statx(path, out kind, out size);
                }
                catch (EntryPointNotFoundException)
                {
                    // A C library older than statx (glibc 2.28, musl 1.2.5): fall back to what the BCL can tell.
                }
            }

            // Elsewhere the BCL tells only files from directories; the bounded read still stops a device.
            if (Directory.Exists(path))
            {
                kind = FileKind.Directory;
                return null;
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return "the file does not exist.";
            }

            kind = FileKind.Regular;
            size = info.Length;
            return null;
        }

        private static unsafe string? Statx(string path, out FileKind kind, out long size)
        {
            kind = FileKind.Other;
            size = 0;
            var buffer = stackalloc byte[StatxBytes];
            if (NativeStatx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is NoSuchFile or NotADirectory
                    ? "the file does not exist."
                    : $"the file could not be read: {Marshal.GetPInvokeErrorMessage(errno)}.";
            }

            var mode = *(ushort*)(buffer + ModeOffset);
            size = *(long*)(buffer + SizeOffset);
            kind = (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
            return null;
        }

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static unsafe partial int NativeStatx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
    }
}

using System.Runtime.InteropServices;

namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// Makes a rename durable. On POSIX systems a rename lives in the directory entry, which is only on
/// the disk once the directory itself is fsync'ed (see fsync(2), "Notes").
/// </summary>
public static partial class DirectorySync
{
    /// <summary>Flushes the directory entry table of <paramref name="directory"/> to the disk, where the OS allows it.</summary>
    /// <param name="directory">The directory that holds a just-renamed file.</param>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals renames (MoveFileEx with replace is durable once it returns).
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

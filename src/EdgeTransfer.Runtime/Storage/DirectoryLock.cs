using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// The <c>.lock</c> file that keeps a second process (or a second owner object in this one) from opening the same
/// directory while one owner has it open.
/// </summary>
/// <remarks>
/// The file is opened with <see cref="FileShare.None"/>, an exclusive flock(2) on Linux, which the kernel releases
/// when the process dies, even by kill -9. Nothing is written to it.
/// </remarks>
internal sealed class DirectoryLock : IDisposable
{
    /// <summary>The name of the lock file in the locked directory.</summary>
    public const string FileName = ".lock";

    private readonly FileStream _file;

    private DirectoryLock(FileStream file)
    {
        _file = file;
    }

    /// <summary>Creates <paramref name="directory"/> if needed and takes its lock.</summary>
    /// <param name="directory">The full path of the directory.</param>
    /// <param name="owner">The name of the type that opens it, as the error message names it (<c>SampleStore</c>).</param>
    /// <param name="error">Makes the owner's exception from a reason sentence and the I/O error behind it.</param>
    /// <returns>The lock, held until disposed.</returns>
    public static DirectoryLock Acquire(string directory, string owner, Func<string, Exception, Exception> error)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException ex) when (FileInTheWay(directory) is { } file)
        {
            throw error($"'{file}' is a file, not a directory; give a folder path.", ex);
        }
        catch (IOException ex)
        {
            throw error($"the directory cannot be created: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw error($"the directory cannot be created: {ex.Message}", ex);
        }

        // Opening a link would create or open its target, wherever it points: a lock file leading out is refused.
        var path = Path.Combine(directory, FileName);
        if (BoundedFile.LinkProblem(directory, path) is { } link)
        {
            throw error($"'{path}': {link}", new IOException(link));
        }

        try
        {
            return new DirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw error($"it is in use by another process (or another {owner} in this one); stop it first.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw error($"the directory cannot be opened for writing: {ex.Message}", ex);
        }
    }

    /// <summary>The path itself or the nearest folder above it that exists as a file, or null.</summary>
    private static string? FileInTheWay(string directory)
    {
        for (var current = Path.GetFullPath(directory); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();
}

namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// Crash-safe file writes: the content goes to a temporary file in the same directory, is flushed to
/// the disk, and is renamed over the target. A reader sees the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files; readers and cleaners recognise them by it.</summary>
    public const string TempSuffix = ".tmp-write";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="content">The bytes to write.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The text to write.</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Lets <paramref name="writer"/> fill a temporary file, then moves it over <paramref name="path"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="writer">Writes the content; if it throws, the target is left as it was.</param>
    public static void Write(string path, Action<Stream> writer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writer);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = fullPath + "." + Guid.NewGuid().ToString("N")[..8] + TempSuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writer(stream);
                // Flush(true) reaches the disk (fsync), not just the OS cache: a power cut after the
                // rename must not leave a renamed but empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
            DirectorySync.Flush(directory);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stale temp file is harmless, readers ignore the suffix.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

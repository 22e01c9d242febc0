namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// The rules for a path inside a bundle or a bundle archive: relative, '/'-separated, without '.', '..',
/// drive letters or backslashes, so that nothing a manifest or an archive says can reach outside the bundle
/// directory, on Linux or on Windows.
/// </summary>
internal static class RelativePath
{
    private const int MaxLength = 255;

    /// <summary>Why <paramref name="path"/> is not a safe bundle path, or null when it is.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "it is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (path.Any(char.IsControl))
        {
            return "it contains control characters";
        }

        // A backslash is a separator on Windows: "..\\x" would escape there while looking harmless here.
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash; bundle paths use '/'";
        }

        // "C:x", "C:/x" and NTFS streams ("a:b") all carry a colon.
        if (path.Contains(':', StringComparison.Ordinal))
        {
            return "it contains ':' (a drive letter or a stream name)";
        }

        if (path[0] == '/' || Path.IsPathRooted(path))
        {
            return "it is an absolute path";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty segment ('//' or a trailing '/')";
            }

            if (segment is "." or "..")
            {
                return $"it contains '{segment}'";
            }

            // Windows drops trailing dots and spaces, so "a." and "a" would be the same file there.
            if (segment[^1] is '.' or ' ')
            {
                return "a segment ends with a dot or a space";
            }
        }

        return null;
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="root"/>, or null when it would
    /// land outside (a second line of defence after <see cref="Problem"/>).
    /// </summary>
    public static string? Resolve(string root, string relative)
    {
        if (Problem(relative) is not null)
        {
            return null;
        }

        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        return IsInside(fullRoot, full) ? full : null;
    }

    /// <summary>Whether the full path <paramref name="fullPath"/> lies strictly inside the full path <paramref name="fullRoot"/>.</summary>
    internal static bool IsInside(string fullRoot, string fullPath)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return fullPath.StartsWith(fullRoot + Path.DirectorySeparatorChar, comparison);
    }
}

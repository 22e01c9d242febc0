using System.Text;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Versioning;

/// <summary>Reads a registry's <c>current</c> pointer as the small state file it must be.</summary>
internal static class RegistryPointerFile
{
    // "v0001" to "v999999999" and a line end: anything longer is not a pointer this software wrote.
    private const int MaxBytes = 64;

    /// <summary>The pointer's text: a regular file inside <paramref name="directory"/> of at most 64 bytes.</summary>
    /// <exception cref="IOException">A link out of the directory, not a regular file, too large or unreadable; the message says which, never what the file holds.</exception>
    public static string ReadText(string directory, string path)
    {
        if (BoundedFile.LinkProblem(directory, path) is { } link)
        {
            throw new IOException(link);
        }

        return Encoding.UTF8.GetString(BoundedFile.ReadAllBytes(path, MaxBytes, reason => new IOException(reason)));
    }
}

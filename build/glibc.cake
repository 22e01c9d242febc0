// The oldest glibc a Linux package runs on, for its launcher to check (devices/README.md, "Native AOT program").
//
// A native program links against the build machine's glibc, so it needs that glibc's newest symbol versions (Debian 12
// gives GLIBC_2.34: __libc_start_main, pthread_create), while the JIT'd package's files need 2.28 (ONNX Runtime). Without
// a check, a device with an older glibc (Ubuntu 20.04 and JetPack 5 have 2.31) stops in the dynamic loader with
// "version `GLIBC_2.34' not found" instead of a sentence. The versions are read from the files themselves: every
// symbol version an ELF file needs is a GLIBC_2.N string in its dynamic string table, whatever the architecture.

// The highest GLIBC_2.N any ELF file in the folder needs, e.g. "2.34"; null when none names one.
string GlibcFloor(DirectoryPath root)
{
    var highest = -1;
    var pattern = new System.Text.RegularExpressions.Regex(@"GLIBC_2\.(\d{1,3})(?![\d.])");
    foreach (var file in System.IO.Directory.EnumerateFiles(root.FullPath, "*", System.IO.SearchOption.TopDirectoryOnly))
    {
        var bytes = System.IO.File.ReadAllBytes(file);
        if (bytes.Length < 4 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            continue;
        }

        foreach (System.Text.RegularExpressions.Match match in pattern.Matches(System.Text.Encoding.Latin1.GetString(bytes)))
        {
            highest = Math.Max(highest, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    return highest < 0 ? null : $"2.{highest}";
}

using System.Formats.Tar;
using System.IO.Compression;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class BundleArchiveTests
{
    [Fact]
    public void Pack_ThenUnpack_GivesAnEqualVerifiedBundle()
    {
        // Given a bundle with an extra, unlisted file
        using var temp = new TempDirectory();
        var dir = temp.Combine("line3");
        var manifest = TestBundles.Write(dir, meanImage: true);
        File.WriteAllText(Path.Combine(dir, "junk.txt"), "not shipped");
        var archive = temp.Combine("line3" + BundleArchive.Extension);

        // When it is packed and unpacked elsewhere
        BundleArchive.Pack(dir, archive);
        var bundle = BundleArchive.Unpack(archive, temp.Combine("device", "bundles", "line3"));

        // Then the unpacked bundle verifies, has the same manifest, and the unlisted file was not shipped
        Assert.Equal(manifest.ToJson(), bundle.Manifest.ToJson());
        Assert.Equal(temp.Combine("device", "bundles", "line3"), bundle.DirectoryPath);
        Assert.False(File.Exists(Path.Combine(bundle.DirectoryPath, "junk.txt")));
        Assert.Empty(bundle.Warnings);
        Assert.Empty(TestBundles.HiddenSiblings(bundle.DirectoryPath));
    }

    [Fact]
    public void Unpack_AcceptsArchiveMadeWithTarDotPrefix()
    {
        // Given an archive whose entries are "./", "./manifest.json", … (tar -C bundle .)
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var archive = temp.Combine("b.tar.gz");
        WriteArchive(archive, tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./"));
            foreach (var file in Directory.GetFiles(dir))
            {
                tar.WriteEntry(file, "./" + Path.GetFileName(file));
            }
        });

        // When it is unpacked
        var bundle = BundleArchive.Unpack(archive, temp.Combine("out"));

        // Then it verifies
        Assert.Equal(3, bundle.Manifest.Classes.Count);
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/tmp/evil.txt")]
    [InlineData("a/../../evil.txt")]
    [InlineData("..\\evil.txt")]
    [InlineData("C:/evil.txt")]
    public void Unpack_RefusesEntryThatEscapesTheTarget_AndLeavesNothing(string entryName)
    {
        // Given an archive with a valid bundle plus one entry whose name escapes
        using var temp = new TempDirectory();
        var archive = ArchiveWithValidBundle(temp, tar =>
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream("pwned"u8.ToArray()) };
            tar.WriteEntry(entry);
        });
        var target = temp.Combine("work", "out");
        Directory.CreateDirectory(temp.Combine("work"));

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, target));

        // Then the entry is named, nothing escaped, and nothing is left in the work folder
        Assert.Equal(entryName, error.FileName);
        Assert.Contains("is not a safe path", error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("evil.txt")));
        Assert.False(File.Exists(temp.Combine("work", "evil.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("work")));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    public void Unpack_RefusesLinks(TarEntryType type)
    {
        // Given an archive with a link entry pointing outside
        using var temp = new TempDirectory();
        var archive = ArchiveWithValidBundle(temp, tar => tar.WriteEntry(new PaxTarEntry(type, "backbone2.onnx") { LinkName = "/etc/passwd" }));
        var target = temp.Combine("out");

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, target));

        // Then the link is named and refused
        Assert.Equal("backbone2.onnx", error.FileName);
        Assert.Contains($"is a {type} entry to '/etc/passwd'", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Unpack_RefusesTamperedFile_NamingArchiveAndFile()
    {
        // Given an archive whose backbone differs from the manifest's hash
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        File.WriteAllText(Path.Combine(dir, "backbone.onnx"), "fake backbone graph byteZ");
        var archive = temp.Combine("b.tar.gz");
        WriteArchive(archive, tar =>
        {
            foreach (var file in Directory.GetFiles(dir))
            {
                tar.WriteEntry(file, Path.GetFileName(file));
            }
        });

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, temp.Combine("out")));

        // Then the archive and the file are named, and no output exists
        Assert.Equal(archive, error.BundlePath);
        Assert.Equal("backbone.onnx", error.FileName);
        Assert.Contains("re-copy the bundle", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Unpack_RefusesDamagedArchive()
    {
        // Given an archive cut in half
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var archive = temp.Combine("b.tar.gz");
        BundleArchive.Pack(dir, archive);
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);

        // When it is unpacked
        var error = Assert.ThrowsAny<BundleException>(() => BundleArchive.Unpack(archive, temp.Combine("out")));

        // Then it is refused (damaged or incomplete) and nothing is left
        Assert.Equal(archive, error.BundlePath);
        Assert.False(Directory.Exists(temp.Combine("out")));
        Assert.DoesNotContain(Directory.EnumerateDirectories(temp.Path), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Unpack_RefusesFileTheManifestDoesNotList_NamingIt_AndLeavesNothing(bool beforeManifest)
    {
        // Given an archive with a valid bundle plus a file the manifest does not list, before or after the manifest
        using var temp = new TempDirectory();
        var dir = temp.Combine("src");
        TestBundles.Write(dir);
        var archive = temp.Combine("junk.tar.gz");
        WriteArchive(archive, tar =>
        {
            var junk = new PaxTarEntry(TarEntryType.RegularFile, "junk.bin") { DataStream = new MemoryStream(new byte[64 * 1024]) };
            if (beforeManifest)
            {
                tar.WriteEntry(junk);
            }

            tar.WriteEntry(Path.Combine(dir, BundleManifest.FileName), BundleManifest.FileName);
            foreach (var file in Directory.GetFiles(dir).Where(f => !f.EndsWith(BundleManifest.FileName, StringComparison.Ordinal)))
            {
                tar.WriteEntry(file, Path.GetFileName(file));
            }

            if (!beforeManifest)
            {
                tar.WriteEntry(junk);
            }
        });
        Directory.CreateDirectory(temp.Combine("work"));

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, temp.Combine("work", "out")));

        // Then the file is named as not listed, and nothing is installed, not even in part
        Assert.Equal("junk.bin", error.FileName);
        Assert.Contains("is not listed in the manifest", error.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("work")));
    }

    [Fact]
    public void Unpack_RefusesListedFileLargerThanListed_BeforeWritingIt()
    {
        // Given an archive whose checkpoint entry is bigger than the manifest lists
        using var temp = new TempDirectory();
        var dir = temp.Combine("src");
        var manifest = TestBundles.Write(dir);
        var checkpoint = manifest.FindFile(BundleRoles.Checkpoint)!;
        var archive = temp.Combine("big.tar.gz");
        WriteArchive(archive, tar =>
        {
            tar.WriteEntry(Path.Combine(dir, BundleManifest.FileName), BundleManifest.FileName);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, checkpoint.Path) { DataStream = new MemoryStream(new byte[checkpoint.Bytes + (1 << 20)]) });
        });

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, temp.Combine("out")));

        // Then the file and both sizes are named, and nothing is left
        Assert.Equal(checkpoint.Path, error.FileName);
        Assert.Contains($"has {checkpoint.Bytes + (1 << 20)} bytes, the manifest lists {checkpoint.Bytes}", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
        Assert.Empty(TestBundles.HiddenSiblings(temp.Combine("out")));
    }

    [Fact]
    public void Unpack_RefusesOversizedManifest_AndArchiveWithoutManifest()
    {
        // Given an archive whose manifest entry is larger than any manifest, and one without a manifest
        using var temp = new TempDirectory();
        var huge = temp.Combine("huge.tar.gz");
        WriteArchive(huge, tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BundleManifest.FileName) { DataStream = new MemoryStream(new byte[BundleManifest.MaxFileBytes + 1]) }));
        var none = temp.Combine("none.tar.gz");
        WriteArchive(none, tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "backbone.onnx") { DataStream = new MemoryStream(new byte[16]) }));

        // When they are unpacked
        var tooLarge = Assert.Throws<BundleException>(() => BundleArchive.Unpack(huge, temp.Combine("out")));
        var missing = Assert.Throws<BundleException>(() => BundleArchive.Unpack(none, temp.Combine("out")));

        // Then each says why, and nothing is left
        Assert.Contains("more than a manifest may have", tooLarge.Reason, StringComparison.Ordinal);
        Assert.Contains("is missing from the archive", missing.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Unpack_RefusesFileThenFileInsideIt_WithAClearError()
    {
        // Given an archive holding a valid bundle, then a file "x" and then "x/y"
        using var temp = new TempDirectory();
        var archive = ArchiveWithValidBundle(temp, tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "x") { DataStream = new MemoryStream("a"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "x/y") { DataStream = new MemoryStream("b"u8.ToArray()) });
        });

        // When it is unpacked
        var error = Assert.Throws<BundleException>(() => BundleArchive.Unpack(archive, temp.Combine("out")));

        // Then it is a bundle error naming the first stray file, not an I/O exception
        Assert.Equal("x", error.FileName);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void Unpack_RefusesNonEmptyTarget_WithoutOverwrite()
    {
        // Given an archive and a target that holds a bundle already
        using var temp = new TempDirectory();
        var dir = temp.Combine("b");
        TestBundles.Write(dir);
        var archive = temp.Combine("b.tar.gz");
        BundleArchive.Pack(dir, archive);

        // When it is unpacked over the existing bundle, without and then with overwrite
        var error = Assert.Throws<InvalidSettingException>(() => BundleArchive.Unpack(archive, dir));
        var bundle = BundleArchive.Unpack(archive, dir, overwrite: true);

        // Then the first is refused and the second replaces it
        Assert.Contains("pass --force", error.Reason, StringComparison.Ordinal);
        Assert.Equal(BundleReader.ReadManifest(dir).BundleId, bundle.Manifest.BundleId);
    }

    private static string ArchiveWithValidBundle(TempDirectory temp, Action<TarWriter> extra)
    {
        var dir = temp.Combine("src");
        TestBundles.Write(dir);
        var archive = temp.Combine("evil.tar.gz");
        WriteArchive(archive, tar =>
        {
            tar.WriteEntry(Path.Combine(dir, BundleManifest.FileName), BundleManifest.FileName);
            extra(tar);
            foreach (var file in Directory.GetFiles(dir).Where(f => !f.EndsWith(BundleManifest.FileName, StringComparison.Ordinal)))
            {
                tar.WriteEntry(file, Path.GetFileName(file));
            }
        });
        return archive;
    }

    private static void WriteArchive(string path, Action<TarWriter> write)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        write(tar);
    }
}

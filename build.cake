// EdgeTransfer build script (Cake 7): `dotnet tool restore && dotnet cake --target=<task>`.
// Tasks: clean, build, test, models, bundle, package, pack, check-arm64, bench, fuzz, kill9 (kebab-case, as in cake-build/cake).

#load "build/profiles.cake"
#load "build/aot.cake"
#load "build/glibc.cake"

//////////////////////////////////////////////////////////////////////
// ARGUMENTS
//////////////////////////////////////////////////////////////////////

var target = Argument("target", "test");
var configuration = Argument("configuration", "Release");
var bundleClasses = Argument("classes", "good,scratch,dent,stain");
// Comma-separated profile names (devices/<name>); default: every profile.
var profileFilter = Argument("profiles", string.Empty);
// fuzz: inputs per surface and the seed (the same seed and iteration give the same input).
var fuzzCount = Argument("fuzz-count", 10000);
var fuzzSeed = Argument("fuzz-seed", 1);
// pack: a pre-release suffix for the package version (0.1.0-<suffix>); none for the release version.
var versionSuffix = Argument("version-suffix", string.Empty);
// IL-trimmed device packages (the default: half the size; --trim=false for an untrimmed runtime; docs/benchmarks.md).
var trimDevice = Argument("trim", true);
// Native AOT device program (build/aot.cake): auto (default) where this machine has the toolchain for the profile, true
// (or fail), false (JIT'd). aot-linker: the clang to use, default the first clang on PATH.
var aotMode = ParseAotMode(Argument("aot", "auto"));
var aotLinker = Argument("aot-linker", string.Empty);
// Conv weights with at least this many values get packed 4-bit weights in the device bundle (ResNet18's 512×512×3×3); 0: plain INT8.
var int4MinWeights = Argument("int4-min-weights", 2359296L);

//////////////////////////////////////////////////////////////////////
// SETUP
//////////////////////////////////////////////////////////////////////

var solution = File("./EdgeTransfer.sln");
var cli = File("./tools/EdgeTransfer.Cli/EdgeTransfer.Cli.csproj");
var device = File("./src/EdgeTransfer.Device/EdgeTransfer.Device.csproj");
var artifacts = MakeAbsolute(Directory("./artifacts"));
var bundleDir = artifacts.Combine("bundle");
var packagesDir = artifacts.Combine("packages");
var nugetDir = artifacts.Combine("nuget");
var cliDll = MakeAbsolute(File($"./tools/EdgeTransfer.Cli/bin/{configuration}/net10.0/edgetransfer.dll"));

Setup(context =>
{
    Information("EdgeTransfer {0} build, target {1}", configuration, target);
    EnsureDirectoryExists(artifacts);
});

//////////////////////////////////////////////////////////////////////
// TASKS
//////////////////////////////////////////////////////////////////////

Task("clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

Task("build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("models")
    .Description("Fetches the pretrained ResNet18 (NuGet PackageDownload) into models/resnet18/.")
    .Does(() =>
{
    DotNetBuild(cli, new DotNetBuildSettings { Configuration = configuration });
    if (!FileExists("./models/resnet18/ResNet18.onnx"))
    {
        throw new CakeException("models/resnet18/ResNet18.onnx is missing after the build; see models/resnet18.targets.");
    }
});

Task("test")
    .IsDependentOn("build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true });
});

Task("bundle")
    .Description("Prepares the default INT8 bundle (embedded ResNet18, synthetic calibration) into artifacts/bundle.")
    .IsDependentOn("models")
    .Does(() =>
{
    // Devices run the INT8 backbone only: leaving the float one out saves 60 MB per package. The five 512×512×3×3
    // convolutions of ResNet18's last stage (74 % of the INT8 file) get 4-bit weights in groups of 32, stored packed and
    // expanded to int8 at load: 4.5 MB less per package at the INT8 head accuracy and speed (docs/benchmarks.md).
    Edgetransfer($"prepare --classes {bundleClasses} --quantize int8 --no-float --int4-min-weights {int4MinWeights} --int4-group-size 32 --out \"{bundleDir}\" --force");
    Edgetransfer($"bundle verify \"{bundleDir}\"");
});

Task("package")
    .Description("For each device profile: publish edgetransfer-device for its runtime identifier, add the bundle, device.json, service unit and broker ACL sample, write SHA256SUMS and one archive.")
    .IsDependentOn("bundle")
    .Does(() =>
{
    EnsureDirectoryExists(packagesDir);
    var aotPlans = PlanAot(SelectProfiles(profileFilter), aotMode, trimDevice, aotLinker);
    foreach (var profile in SelectProfiles(profileFilter))
    {
        var root = packagesDir.Combine(profile.Name);
        CleanDirectory(root);
        Information("package {0}: {1}, ONNX Runtime flavour {2}", profile.Name, profile.RuntimeIdentifier, profile.PackagedFlavour);

        var aot = aotPlans[profile.Name];
        Information(aot.Native ? "  {0}: Native AOT program (linked by {1})" : "  {0}: JIT'd program ({2})", profile.Name, aot.Linker, aot.Reason);
        var properties = new DotNetMSBuildSettings()
            .WithProperty("EdgeTransferOrtFlavour", profile.PackagedFlavour)
            .WithProperty("EdgeTransferTrimDevice", trimDevice ? "true" : "false");
        if (aot.Native)
        {
            properties = properties.WithProperty("EdgeTransferAotDevice", "true").WithProperty("EdgeTransferAotLinker", aot.Linker);
            if (aot.ObjCopy != string.Empty)
            {
                properties = properties.WithProperty("ObjCopyName", aot.ObjCopy);
            }
        }

        DotNetPublish(device, new DotNetPublishSettings
        {
            Configuration = configuration,
            Runtime = profile.RuntimeIdentifier,
            SelfContained = true,
            OutputDirectory = root,
            MSBuildSettings = properties,
        });
        if (aot.Native)
        {
            // The native program's symbols (34 MB, and the assemblies' pdbs it was compiled from) stay with the build, for
            // reading a device's crash, not in the package.
            var symbols = artifacts.Combine("symbols").Combine(profile.Name);
            EnsureDirectoryExists(symbols);
            CleanDirectory(symbols);
            MoveFiles(GetFiles(root.FullPath + "/*.dbg").Concat(GetFiles(root.FullPath + "/*.pdb")), symbols);
        }

        if (!profile.IsWindows)
        {
            InstallLauncher(root);
        }

        if (!profile.IsWindows && GlibcFloor(root) is { } glibc)
        {
            // Read by the launcher, which refuses an older glibc with a sentence instead of the loader's error.
            System.IO.File.WriteAllText(root.CombineWithFilePath("glibc-min").FullPath, glibc + "\n");
            Information("  {0}: needs glibc {1} or newer", profile.Name, glibc);
        }

        if (aot.Native && profile.RuntimeIdentifier == "linux-x64")
        {
            // The instruction set the native program is compiled for (IlcInstructionSet x86-64-v3 in the device's project),
            // as /proc/cpuinfo names it: the launcher refuses a CPU without them with a sentence.
            System.IO.File.WriteAllText(root.CombineWithFilePath("cpu-flags").FullPath, "avx avx2 bmi1 bmi2 f16c fma movbe\n");
        }

        CopyDirectory(bundleDir, root.Combine("bundle"));
        var source = Directory($"./devices/{profile.Name}");
        CopyFile(source + File("device.json"), root.CombineWithFilePath("device.json"));
        CopyFile(source + File("README.md"), root.CombineWithFilePath("README.md"));
        if (FileExists(source + File("edgetransfer-device.service")))
        {
            CopyFile(source + File("edgetransfer-device.service"), root.CombineWithFilePath("edgetransfer-device.service"));
        }

        EnsureDirectoryExists(root.Combine("broker"));
        CopyFiles("./devices/mosquitto/*", root.Combine("broker"));

        WriteChecksums(root);
        var archive = profile.IsWindows
            ? packagesDir.CombineWithFilePath($"edgetransfer-{profile.Name}.zip")
            : packagesDir.CombineWithFilePath($"edgetransfer-{profile.Name}.tar.gz");
        if (profile.IsWindows)
        {
            Zip(root, archive);
        }
        else
        {
            TarGz(root, archive);
        }

        var digest = CalculateFileHash(archive, HashAlgorithm.SHA256).ToHex();
        System.IO.File.WriteAllText(archive.FullPath + ".sha256", $"{digest}  {archive.GetFilename()}\n");
        Information("  → {0} (sha256 {1})", archive, digest.Substring(0, 16));
    }
});

Task("check-arm64")
    .Description("Builds the raspberry-pi-5 package and runs it under qemu-aarch64 user-mode emulation (tools/scripts/check-arm64.sh); --short=true for CI's form.")
    .Does(() =>
{
    var script = MakeAbsolute(File("./tools/scripts/check-arm64.sh"));
    var arguments = Argument("short", false) ? "--short" : string.Empty;
    var exit = StartProcess("bash", new ProcessSettings { Arguments = $"\"{script}\" {arguments}" });
    if (exit != 0)
    {
        throw new CakeException($"check-arm64.sh {arguments} failed with exit code {exit}.");
    }
});

Task("pack")
    .Description("NuGet packages of the libraries (src/*, with .snupkg symbol packages and SourceLink) and the edgetransfer .NET tool into artifacts/nuget.")
    .Does(() =>
{
    CleanDirectory(nugetDir);
    // One `dotnet pack` over a solution filter of the packable projects (the libraries under src/ and the tool; the
    // device program ships as a device package instead): one build graph, built in parallel, instead of one per package.
    var projects = GetFiles("./src/*/*.csproj")
        .Where(p => p.GetFilenameWithoutExtension().ToString() != "EdgeTransfer.Device")
        .Append(MakeAbsolute((FilePath)cli))
        .Select(p => MakeAbsolute(Directory(".")).GetRelativePath(p).FullPath);
    var filter = artifacts.CombineWithFilePath("packages.slnf");
    System.IO.File.WriteAllText(filter.FullPath, System.Text.Json.JsonSerializer.Serialize(new
    {
        solution = new { path = MakeAbsolute(solution).FullPath, projects = projects.ToArray() },
    }));
    DotNetPack(filter.FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        OutputDirectory = nugetDir,
        VersionSuffix = string.IsNullOrEmpty(versionSuffix) ? null : versionSuffix,
        // Deterministic /_/ paths in the PDBs, which SourceLink maps (Directory.Build.props sets it for any dotnet pack too).
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("ContinuousIntegrationBuild", "true"),
    });
    Information("packages → {0}", nugetDir);
});

Task("bench")
    .Description("Runs every benchmark and writes one JSON report to artifacts/bench.json.")
    .IsDependentOn("models")
    .Does(() =>
{
    var report = new System.Text.StringBuilder();
    report.Append("{\n");
    var benches = new[] { "backbone", "train", "pipeline", "fleet" };
    for (var i = 0; i < benches.Length; i++)
    {
        var output = EdgetransferOutput($"bench {benches[i]} --json");
        report.Append($"  \"{benches[i]}\": {output.Trim()}{(i + 1 < benches.Length ? "," : string.Empty)}\n");
    }

    report.Append("}\n");
    var path = artifacts.CombineWithFilePath("bench.json");
    System.IO.File.WriteAllText(path.FullPath, report.ToString());
    Information("benchmark report → {0}", path);
});

Task("fuzz")
    .Description("Long fuzzing run: --fuzz-count mutated inputs per surface (default 10,000), figures to artifacts/fuzz.json; fails on any failure.")
    .Does(() =>
{
    DotNetBuild(cli, new DotNetBuildSettings { Configuration = configuration });
    var failures = artifacts.Combine("fuzz-failures");
    var output = EdgetransferOutput($"bench fuzz --surface all --count {fuzzCount} --seed {fuzzSeed} --failures \"{failures}\" --json");
    var path = artifacts.CombineWithFilePath("fuzz.json");
    System.IO.File.WriteAllText(path.FullPath, output + "\n");
    Information("fuzz report → {0}", path);
});

Task("kill9")
    .Description("kill -9 at random instants of training, promotion, collection, fit and deployment (tools/scripts/kill9-trials.sh); fails if a head, sample or bundle was lost. --trials=N --seed=S --short")
    .Does(() =>
{
    var arguments = $"tools/scripts/kill9-trials.sh --trials {Argument("trials", 100)} --seed {Argument("seed", 1)}{(HasArgument("short") ? " --short" : string.Empty)}";
    var exit = StartProcess("bash", new ProcessSettings { Arguments = arguments });
    if (exit != 0)
    {
        throw new CakeException($"kill -9 trials: exit code {exit} (1: something was lost, see the tally).");
    }
});

//////////////////////////////////////////////////////////////////////
// TARGETS
//////////////////////////////////////////////////////////////////////

Task("default").IsDependentOn("test");

RunTarget(target);

//////////////////////////////////////////////////////////////////////
// HELPERS
//////////////////////////////////////////////////////////////////////

void Edgetransfer(string arguments)
{
    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = $"\"{cliDll}\" {arguments}" });
    if (exit != 0)
    {
        throw new CakeException($"edgetransfer {arguments} failed with exit code {exit}.");
    }
}

string EdgetransferOutput(string arguments)
{
    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = $"\"{cliDll}\" {arguments}", RedirectStandardOutput = true }, out var lines);
    if (exit != 0)
    {
        throw new CakeException($"edgetransfer {arguments} failed with exit code {exit}.");
    }

    return string.Join("\n", lines);
}

// tar.gz with .NET's own tar writer (keeps Unix file modes, so edgetransfer-device stays executable). SmallestSize: 0.6 MB
// less than Optimal on the raspberry-pi-5 package for 1.4 s more, still plain gzip (docs/benchmarks.md; xz would save 7 MB
// more, but needs a tool outside .NET to write).
void TarGz(DirectoryPath root, FilePath archive)
{
    using var file = System.IO.File.Create(archive.FullPath);
    using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.SmallestSize);
    System.Formats.Tar.TarFile.CreateFromDirectory(root.FullPath, gzip, includeBaseDirectory: false);
}

// Linux packages start through devices/launcher/edgetransfer-device, a shell script that refuses a package built for the
// other CPU with a sentence instead of a loader error; the published program becomes edgetransfer-device.bin beside it.
void InstallLauncher(DirectoryPath root)
{
    var program = root.CombineWithFilePath("edgetransfer-device");
    MoveFile(program, root.CombineWithFilePath("edgetransfer-device.bin"));
    CopyFile(File("./devices/launcher/edgetransfer-device"), program);
    System.IO.File.SetUnixFileMode(program.FullPath, (UnixFileMode)0b111_101_101);
}

// SHA256SUMS in the format of `sha256sum -c`: the archive can be verified on the device with coreutils alone.
void WriteChecksums(DirectoryPath root)
{
    var lines = new List<string>();
    foreach (var file in GetFiles(root.FullPath + "/**/*").OrderBy(f => f.FullPath, StringComparer.Ordinal))
    {
        var relative = root.GetRelativePath(file).FullPath;
        if (relative == "SHA256SUMS")
        {
            continue;
        }

        lines.Add($"{CalculateFileHash(file, HashAlgorithm.SHA256).ToHex()}  {relative}");
    }

    System.IO.File.WriteAllText(root.CombineWithFilePath("SHA256SUMS").FullPath, string.Join("\n", lines) + "\n");
}

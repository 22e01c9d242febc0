// Which device programs `package` compiles ahead of time (Native AOT), and with which native toolchain.
//
// A Native AOT program has no JIT and no JIT'd code: on the same steps its peak RSS is about 44 MB below the JIT'd
// program's, and below the tree before the hosted service (docs/benchmarks.md, "Native AOT"). ILCompiler links it with
// clang for the target's C library, so a profile gets it only where that toolchain is present: the build machine's own
// architecture needs clang; the other Linux architecture (x64 ↔ arm64) also needs that architecture's C library, libgcc,
// a linker for it and an objcopy that reads its files (devices/README.md, "Native AOT program"). Windows programs stay JIT'd (ILCompiler
// does not cross-link between operating systems).

// "auto" (default): AOT where the toolchain is present, JIT'd elsewhere with the reason; "true": AOT or fail; "false": JIT'd.
public enum AotMode { Auto, Always, Never }

public sealed record AotPlan(bool Native, string Linker, string ObjCopy, string Reason);

AotMode ParseAotMode(string value) => value.Trim().ToLowerInvariant() switch
{
    "auto" => AotMode.Auto,
    "true" => AotMode.Always,
    "false" => AotMode.Never,
    _ => throw new CakeException($"--aot={value}: use auto (the default: Native AOT where this machine has the toolchain), true (Native AOT or fail) or false (JIT'd)."),
};

// The plan of every profile, made before any is built, so that aot=true fails before the first two-minute compile.
// Throws for aot=true when a Linux profile's toolchain is missing, and for a linker named with --aot-linker that cannot
// be started; Windows profiles are JIT'd in every mode.
Dictionary<string, AotPlan> PlanAot(IEnumerable<DeviceProfile> profiles, AotMode mode, bool trimmed, string linkerArgument)
{
    var plans = new Dictionary<string, AotPlan>(StringComparer.Ordinal);
    foreach (var profile in profiles)
    {
        plans[profile.Name] = PlanAot(profile, mode, trimmed, linkerArgument);
    }

    return plans;
}

AotPlan PlanAot(DeviceProfile profile, AotMode mode, bool trimmed, string linkerArgument)
{
    if (mode == AotMode.Never)
    {
        return new AotPlan(false, "", "", "aot=false");
    }

    if (profile.IsWindows)
    {
        return new AotPlan(false, "", "", "Windows programs are JIT'd: Native AOT builds Windows programs only on Windows");
    }

    var reason = AotBlocker(profile, trimmed, linkerArgument, out var linker, out var objCopy);
    if (reason is null)
    {
        return new AotPlan(true, linker, objCopy, "");
    }

    if (mode == AotMode.Always)
    {
        throw new CakeException($"aot=true: {profile.Name} ({profile.RuntimeIdentifier}) cannot be compiled ahead of time here: {reason}.");
    }

    return new AotPlan(false, "", "", reason);
}

string AotBlocker(DeviceProfile profile, bool trimmed, string linkerArgument, out string linker, out string objCopy)
{
    linker = objCopy = "";
    if (!trimmed)
    {
        return "Native AOT needs the trimmed build (trim=false was given)";
    }

    if (!IsRunningOnLinux())
    {
        return "Native AOT programs for Linux are built on Linux";
    }

    var host = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "linux-x64",
        System.Runtime.InteropServices.Architecture.Arm64 => "linux-arm64",
        _ => "none",
    };
    var triple = profile.RuntimeIdentifier switch
    {
        "linux-x64" => "x86_64-linux-gnu",
        "linux-arm64" => "aarch64-linux-gnu",
        _ => null,
    };
    if (triple is null || host == "none")
    {
        return $"no Native AOT toolchain is known for {profile.RuntimeIdentifier} on this {host} machine";
    }

    linker = linkerArgument != string.Empty ? linkerArgument : FindClang() ?? "";
    if (linker == "")
    {
        return "no clang on PATH to link the native program (apt-get install clang, or name one with --aot-linker)";
    }

    var cross = profile.RuntimeIdentifier != host;
    if (cross)
    {
        // ILCompiler strips the symbols into a .dbg file with llvm-objcopy, else objcopy: the build machine's own objcopy
        // does not read the other architecture's files, so a cross build needs llvm-objcopy or the target's binutils.
        objCopy = OnPath("llvm-objcopy") ? "llvm-objcopy" : OnPath($"{triple}-objcopy") ? $"{triple}-objcopy" : "";
        if (objCopy == "")
        {
            return $"cross-compiling {profile.RuntimeIdentifier} needs llvm-objcopy or {triple}-objcopy (apt-get install binutils-aarch64-linux-gnu or llvm)";
        }
    }

    // The proof that clang can link for the target: a C program linked against the libraries ILCompiler links.
    var probeDir = artifacts.Combine("aot-probe").Combine(profile.RuntimeIdentifier);
    EnsureDirectoryExists(probeDir);
    var source = probeDir.CombineWithFilePath("probe.c");
    System.IO.File.WriteAllText(source.FullPath, "int main(void) { return 0; }\n");
    var settings = new ProcessSettings
    {
        // --target only when crossing: ILCompiler passes it then too, and a gcc named with --aot-linker does not know it.
        Arguments = $"{(cross ? $"--target={triple} " : "")}\"{source.FullPath}\" -o \"{probeDir.CombineWithFilePath("probe").FullPath}\" -ldl -lrt -lm",
        RedirectStandardError = true,
        RedirectStandardOutput = true,
    };
    int exit;
    IEnumerable<string> errors;
    try
    {
        exit = StartProcess(linker, settings, out _, out errors);
    }
    catch (Exception ex)
    {
        if (linkerArgument != string.Empty)
        {
            // A linker someone named is not silently replaced by the JIT'd program.
            throw new CakeException($"--aot-linker={linkerArgument} could not be started: {ex.Message}");
        }

        return $"{linker} could not be started: {ex.Message}";
    }

    if (exit != 0)
    {
        var first = errors.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? errors.FirstOrDefault() ?? $"exit code {exit}";
        return cross
            ? $"{linker} cannot link for {triple} ({first.Trim()}); install the target's libraries: dpkg --add-architecture arm64 && apt-get install libc6-dev:arm64 libgcc-12-dev:arm64 binutils-aarch64-linux-gnu"
            : $"{linker} cannot link a program here ({first.Trim()}); install the C library: apt-get install libc6-dev";
    }

    return null;
}

string FindClang()
{
    foreach (var name in new[] { "clang" }.Concat(Enumerable.Range(14, 10).Reverse().Select(v => $"clang-{v}")))
    {
        if (OnPath(name))
        {
            return name;
        }
    }

    return null;
}

bool OnPath(string name) =>
    (EnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator)
        .Any(dir => dir.Length > 0 && System.IO.File.Exists(System.IO.Path.Combine(dir, name)));

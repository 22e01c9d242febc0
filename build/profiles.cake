// The device profiles that `package` builds: devices/<Name> holds their device.json, service unit and README.

public sealed record DeviceProfile(string Name, string RuntimeIdentifier, string ExecutionProvider, string PackagedFlavour)
{
    public bool IsWindows => RuntimeIdentifier.StartsWith("win-", StringComparison.Ordinal);
}

// PackagedFlavour is the ONNX Runtime package the archive is built with. The CUDA and DirectML providers
// need native builds this project's feed does not serve for these targets (Jetson: JetPack's ORT build;
// DirectML: Microsoft.ML.OnnxRuntime.DirectML), so those archives carry the CPU build and their READMEs say
// how to swap it; `-p:EdgeTransferOrtFlavour=Cuda|DirectML` selects the other packages where they exist.
static readonly DeviceProfile[] Profiles =
{
    new("raspberry-pi-5", "linux-arm64", "cpu", "Cpu"),
    new("jetson-orin-nano", "linux-arm64", "cuda", "Cpu"),
    new("linux-x64", "linux-x64", "cpu", "Cpu"),
    new("windows-iot", "win-x64", "directml", "Cpu"),
};

IEnumerable<DeviceProfile> SelectProfiles(string filter)
{
    if (string.IsNullOrWhiteSpace(filter))
    {
        return Profiles;
    }

    var wanted = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var unknown = wanted.Where(w => Profiles.All(p => p.Name != w)).ToList();
    if (unknown.Count > 0)
    {
        throw new CakeException($"Unknown profile(s) {string.Join(", ", unknown)}; the profiles are {string.Join(", ", Profiles.Select(p => p.Name))}.");
    }

    return Profiles.Where(p => wanted.Contains(p.Name));
}

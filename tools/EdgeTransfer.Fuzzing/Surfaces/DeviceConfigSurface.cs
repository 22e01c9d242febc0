using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary><c>device.json</c> through the loader the device starts with; the seeds are the shipped profiles' files.</summary>
public sealed class DeviceConfigSurface : FuzzSurface
{
    private readonly string _file;

    /// <summary>Creates the surface with every shipped profile's <c>device.json</c> as seeds.</summary>
    public DeviceConfigSurface()
        : base("device-json")
    {
        _file = Path.Combine(ScratchDirectory, DeviceConfigFile.DefaultFileName);
        var assembly = typeof(DeviceConfigSurface).Assembly;
        Seeds = [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("seeds.device.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            })
            .Where(Loads)];
    }

    /// <inheritdoc />
    public override string Name => "device-json";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(5) == 0 ? ByteMutations.Mutate(seed, random, Seeds[random.Next(Seeds.Count)]) : JsonMutations.Mutate(seed, random);
    }

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        File.WriteAllBytes(_file, input);
        _ = DeviceConfigFile.Load(_file, checkFiles: false);
    }

    // A profile for another operating system (windows-iot's DirectML on Linux) is refused here as it should be:
    // it is no valid input on this machine.
    private bool Loads(byte[] seed)
    {
        try
        {
            Exercise(seed);
            return true;
        }
        catch (InvalidSettingException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) => message is not null && message.Contains(DeviceConfigFile.DefaultFileName, StringComparison.Ordinal);

}

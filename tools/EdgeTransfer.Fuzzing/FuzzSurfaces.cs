using EdgeTransfer.Fuzzing.Surfaces;

namespace EdgeTransfer.Fuzzing;

/// <summary>The surfaces by name, for the command line and the tests.</summary>
public static class FuzzSurfaces
{
    /// <summary>Every surface name, in the order <c>all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["images", "manifests", "archives", "device-json", "checkpoints", "anomaly", "mqtt"];

    /// <summary>Creates the surface called <paramref name="name"/> (its scratch files are deleted on dispose).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="InvalidSettingException">The name is not a surface.</exception>
    public static FuzzSurface Create(string name) => name switch
    {
        "images" => new ImageSurface(),
        "manifests" => new ManifestSurface(),
        "archives" => new BundleArchiveSurface(),
        "device-json" => new DeviceConfigSurface(),
        "checkpoints" => new CheckpointSurface(),
        "anomaly" => new AnomalyModelSurface(),
        "mqtt" => new MqttCommandSurface(),
        _ => throw new InvalidSettingException("--surface", $"expected one of {string.Join(", ", Names)} or all, got '{name}'."),
    };

    /// <summary>The surface names <paramref name="selection"/> stands for: <c>all</c>, or a comma-separated list.</summary>
    /// <param name="selection">The <c>--surface</c> value.</param>
    /// <exception cref="InvalidSettingException">A name is not a surface.</exception>
    public static IReadOnlyList<string> Select(string selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.Trim() == "all")
        {
            return Names;
        }

        var names = selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.FirstOrDefault(n => !Names.Contains(n));
        return unknown is null && names.Length > 0
            ? names
            : throw new InvalidSettingException("--surface", $"expected all or some of {string.Join(", ", Names)} (comma-separated), got '{selection}'.");
    }

    /// <summary>Runs every surface of <paramref name="names"/> one after another (so each peak RSS is its own).</summary>
    /// <param name="names">Surface names.</param>
    /// <param name="options">Count, seed and limits.</param>
    /// <param name="log">Where failures and progress are printed.</param>
    /// <param name="cancellationToken">Stops between inputs.</param>
    public static FuzzReport Run(IReadOnlyList<string> names, FuzzOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(options);
        var reports = new List<FuzzSurfaceReport>();
        foreach (var name in names)
        {
            using var surface = Create(name);
            log?.Invoke($"fuzz {name}: {options.Count:N0} inputs, seed {options.Seed}");
            reports.Add(FuzzRunner.Run(surface, options, log, cancellationToken));
        }

        return new FuzzReport(options.Seed, options.Count, options.MemoryLimitBytes, reports);
    }
}

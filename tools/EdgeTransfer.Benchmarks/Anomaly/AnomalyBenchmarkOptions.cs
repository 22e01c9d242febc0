using System.Globalization;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>What <see cref="AnomalyBenchmark"/> measures; checked by <see cref="Validate"/>.</summary>
public sealed class AnomalyBenchmarkOptions
{
    /// <summary>The value of <see cref="Shots"/> that means every good training image.</summary>
    public const int AllShots = int.MaxValue;

    /// <summary>A folder in the MVTec AD layout: a root of categories, or one category.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A bundle with patch features (float and INT8 backbones); null prepares one in a scratch folder from the ResNet18 that ships with EdgeTransfer.</summary>
    public string? BundlePath { get; init; }

    /// <summary>The good training images to fit on (the first k of <c>train/good</c>); <see cref="AllShots"/> for all. Default 1, 4, 16, all.</summary>
    public IReadOnlyList<int> Shots { get; init; } = [1, 4, 16, AllShots];

    /// <summary>Threads of the backbone (ORT intra-op) and of the nearest-neighbour search; 0 = one per core (the device's default). Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Calibration images of the INT8 backbone when a bundle is prepared here (synthetic parts, as <c>prepare</c> does without a folder). Default 16.</summary>
    public int CalibrationImages { get; init; } = 16;

    /// <summary>Good parts of the fit-time figure (the training images repeated up to this count). Default 100 (the target).</summary>
    public int FitTimingParts { get; init; } = 100;

    /// <summary>The coreset row cap of the device-default bank, to see its price; null = the library's default (<see cref="Runtime.Anomaly.AnomalyFitOptions.MaxCoresetRows"/>), 0 = no cap.</summary>
    public int? CoresetRows { get; init; }

    /// <summary>Also measure the exact full bank (no coreset, no projection). Default true.</summary>
    public bool FullBank { get; init; } = true;

    /// <summary>Parses <c>1,4,16,all</c>.</summary>
    /// <param name="text">Comma-separated positive counts and/or <c>all</c>.</param>
    /// <exception cref="InvalidSettingException">A value is neither a positive count nor <c>all</c> (names <c>--shots</c>).</exception>
    public static IReadOnlyList<int> ParseShots(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shots = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, "all", StringComparison.OrdinalIgnoreCase))
            {
                shots.Add(AllShots);
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 100_000)
            {
                shots.Add(k);
            }
            else
            {
                throw new InvalidSettingException("--shots", $"'{part}' is not a number of good images (1 to 100000) or 'all'; expected for example '1,4,16,all'.");
            }
        }

        return shots.Count > 0 ? [.. shots] : throw new InvalidSettingException("--shots", "no value given; expected for example '1,4,16,all'.");
    }

    /// <summary>How a shot count is written: the number, or <c>all</c>.</summary>
    /// <param name="shots">A shot count.</param>
    public static string ShotsLabel(int shots) => shots == AllShots ? "all" : shots.ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory) || !Directory.Exists(DataDirectory))
        {
            throw new InvalidSettingException("--data", $"'{DataDirectory}' is not a folder; give a folder in the MVTec AD layout (<category>/train/good, test/<defect>, ground_truth/<defect>).");
        }

        if (BundlePath is not null && !Directory.Exists(BundlePath))
        {
            throw new InvalidSettingException("--bundle", $"'{BundlePath}' is not a folder; give a prepared bundle, or leave --bundle out to prepare one here.");
        }

        if (Shots is null || Shots.Count == 0 || Shots.Any(s => s < 1))
        {
            throw new InvalidSettingException("--shots", "expected one or more positive counts or 'all'.");
        }

        Check(Threads is >= 0 and <= 256, "--threads", $"expected 0 (one per core) to 256, got {Threads}.");
        Check(CalibrationImages is >= 1 and <= 10_000, "--calibration-images", $"expected 1 to 10000, got {CalibrationImages}.");
        Check(FitTimingParts is >= 0 and <= 100_000, "--fit-parts", $"expected 0 (skip) to 100000, got {FitTimingParts}.");
        Check(CoresetRows is null or >= 0, "--coreset-rows", $"expected 0 (no cap) or more, got {CoresetRows}.");
    }

    private static void Check(bool ok, string option, string reason)
    {
        if (!ok)
        {
            throw new InvalidSettingException(option, reason);
        }
    }
}

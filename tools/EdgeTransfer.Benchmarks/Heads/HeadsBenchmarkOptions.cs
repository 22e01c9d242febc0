using System.Globalization;
using EdgeTransfer.Imaging.Augmentation;

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>What <see cref="HeadsBenchmark"/> measures; checked by <see cref="Validate"/>.</summary>
public sealed class HeadsBenchmarkOptions
{
    /// <summary>An ImageFolder with <c>train/&lt;class&gt;/</c> and <c>test/&lt;class&gt;/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A bundle whose classes are the folder's (float and INT8 backbones); null prepares one in a scratch folder.</summary>
    public string? BundlePath { get; init; }

    /// <summary>Labelled parts per class to train on (drawn from <c>train/</c> per seed). Default 1, 5, 20, 100.</summary>
    public IReadOnlyList<int> Shots { get; init; } = [1, 5, 20, 100];

    /// <summary>Draws per shot count; figures are mean ± standard deviation over them. Default 5.</summary>
    public int Seeds { get; init; } = 5;

    /// <summary>Threads of the backbone and the head sessions; 0 = one per core. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Synthetic calibration images of the INT8 backbone when the bundle is prepared here. Default 16.</summary>
    public int CalibrationImages { get; init; } = 16;

    /// <summary>Also run the device path (sample store → on-device trainer with its split and quality gate → head in service). Default true.</summary>
    public bool DevicePath { get; init; } = true;

    /// <summary>
    /// Augmented views per training image (the device's default flip, crop and brightness), for the <c>+aug</c> rows:
    /// the recipe (and the device path) trained on the k parts and their views, kept on one side of every fold. 0: none.
    /// </summary>
    public int AugmentViews { get; init; }

    /// <summary>The augmentation of the <c>+aug</c> rows, or null when <see cref="AugmentViews"/> is 0.</summary>
    public AugmentationOptions? Augmentation => AugmentViews > 0 ? new AugmentationOptions { Enabled = true, Views = AugmentViews } : null;

    /// <summary>Parses <c>1,5,20,100</c>.</summary>
    /// <param name="text">Comma-separated positive counts.</param>
    /// <exception cref="InvalidSettingException">A value is not a count from 1 to 100000 (names <c>--shots</c>).</exception>
    public static IReadOnlyList<int> ParseShots(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shots = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k is < 1 or > 100_000)
            {
                throw new InvalidSettingException("--shots", $"'{part}' is not a number of parts per class (1 to 100000); expected for example '1,5,20,100'.");
            }

            shots.Add(k);
        }

        return shots.Count > 0 ? [.. shots] : throw new InvalidSettingException("--shots", "no value given; expected for example '1,5,20,100'.");
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad option.</summary>
    public void Validate()
    {
        foreach (var split in new[] { "train", "test" })
        {
            if (string.IsNullOrWhiteSpace(DataDirectory) || !Directory.Exists(Path.Combine(DataDirectory, split)))
            {
                throw new InvalidSettingException("--data", $"'{DataDirectory}' has no '{split}' folder; give an ImageFolder with train/<class>/ and test/<class>/ (tools/scripts/fashion-mnist-imagefolder.sh lays one out).");
            }
        }

        if (BundlePath is not null && !Directory.Exists(BundlePath))
        {
            throw new InvalidSettingException("--bundle", $"'{BundlePath}' is not a folder; give a prepared bundle, or leave --bundle out to prepare one here.");
        }

        if (Shots is null || Shots.Count == 0 || Shots.Any(s => s < 1))
        {
            throw new InvalidSettingException("--shots", "expected one or more positive counts.");
        }

        if (Seeds is < 1 or > 100)
        {
            throw new InvalidSettingException("--seeds", $"expected 1 to 100, got {Seeds}.");
        }

        if (Threads is < 0 or > 256)
        {
            throw new InvalidSettingException("--threads", $"expected 0 (one per core) to 256, got {Threads}.");
        }

        if (AugmentViews is < 0 or > 16)
        {
            throw new InvalidSettingException("--augment", $"expected 0 (none) to 16 views per image, got {AugmentViews}.");
        }

        if (CalibrationImages is < 1 or > 10_000)
        {
            throw new InvalidSettingException("--calibration-images", $"expected 1 to 10000, got {CalibrationImages}.");
        }
    }
}

namespace EdgeTransfer.Synthetic;

/// <summary>What <see cref="SyntheticMvtecDataset"/> writes: one category of synthetic parts.</summary>
public sealed record SyntheticMvtecOptions
{
    /// <summary>The category folder's name.</summary>
    public string Category { get; init; } = "part";

    /// <summary>The defect kinds of the test parts (not <c>good</c>); all kinds by default.</summary>
    public IReadOnlyList<string> Defects { get; init; } = [.. SyntheticPartGenerator.DefectClasses.Where(c => c != SyntheticPartGenerator.Good)];

    /// <summary>Good training parts (<c>train/good</c>).</summary>
    public int TrainGood { get; init; } = 60;

    /// <summary>Good test parts (<c>test/good</c>).</summary>
    public int TestGood { get; init; } = 20;

    /// <summary>Test parts per defect kind (<c>test/&lt;defect&gt;</c>).</summary>
    public int TestPerDefect { get; init; } = 10;

    /// <summary>The image side in pixels.</summary>
    public int Size { get; init; } = 224;

    /// <summary>The generator seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options and returns the canonical defect kinds.</summary>
    /// <returns>The defect kinds, canonical, in the given order.</returns>
    /// <exception cref="InvalidSettingException">A bad value, named as the CLI names it.</exception>
    internal IReadOnlyList<string> Validate()
    {
        var name = Category?.Trim() ?? string.Empty;
        if (name.Length == 0 || name != Category || name.StartsWith('.') || name is ".." || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\']) >= 0)
        {
            throw new InvalidSettingException("--category", $"'{Category}' is not a usable folder name; use a plain name such as 'part'.");
        }

        if (Size is < SyntheticPartGenerator.MinSize or > SyntheticPartGenerator.MaxSize)
        {
            throw new InvalidSettingException("--size", $"{Size} is out of range; use {SyntheticPartGenerator.MinSize} to {SyntheticPartGenerator.MaxSize} pixels (224 for ResNet18).");
        }

        Count("--train-good", TrainGood, 1);
        Count("--test-good", TestGood, 0);
        Count("--test-per-defect", TestPerDefect, 0);
        var defects = SyntheticPartGenerator.ValidateClasses(Defects.Where(d => !string.Equals(d.Trim(), SyntheticPartGenerator.Good, StringComparison.OrdinalIgnoreCase)));
        return defects;
    }

    private static void Count(string setting, int count, int min)
    {
        if (count < min || count > 100_000)
        {
            throw new InvalidSettingException(setting, $"{count} is not a valid image count; use {min} to 100000.");
        }
    }
}

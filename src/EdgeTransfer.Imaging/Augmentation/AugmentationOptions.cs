using System.Globalization;

namespace EdgeTransfer.Imaging.Augmentation;

/// <summary>
/// Augmentation at collection time: besides a labelled frame itself, <see cref="Views"/> altered copies of it
/// (mirrored, cropped a little at a seeded position, brighter or darker) go through the backbone, and their features
/// are stored as extra samples of the same part. Off by default (docs/heads.md has the measurement that decided it).
/// </summary>
public sealed class AugmentationOptions
{
    /// <summary>Whether labelled frames get augmented views. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Altered views per labelled frame, 1 to 16. Default 2.</summary>
    public int Views { get; set; } = 2;

    /// <summary>
    /// Mirror every other view left–right (views 0, 2, …). Leave off when a mirrored part is another class (a
    /// left-hand and a right-hand bracket). Default true.
    /// </summary>
    public bool Flip { get; set; } = true;

    /// <summary>The share of each side cut away by a view's crop, placed at a seeded position (a shift), 0 to 0.5. Default 0.1.</summary>
    public double Crop { get; set; } = 0.1;

    /// <summary>The most a view's brightness is scaled up or down (0.2: factors 0.8 to 1.2), 0 to 0.9. Default 0.2.</summary>
    public double Brightness { get; set; } = 0.2;

    /// <summary>The first problem of these options as (JSON property, reason), or null when they are valid.</summary>
    public (string Property, string Reason)? FindProblem()
    {
        var invariant = CultureInfo.InvariantCulture;
        if (Views is < 1 or > 16)
        {
            return ("views", string.Create(invariant, $"expected 1 to 16 views per labelled frame, got {Views}"));
        }

        if (!double.IsFinite(Crop) || Crop is < 0 or > 0.5)
        {
            return ("crop", string.Create(invariant, $"expected a share of each side from 0 to 0.5, got {Crop}"));
        }

        if (!double.IsFinite(Brightness) || Brightness is < 0 or > 0.9)
        {
            return ("brightness", string.Create(invariant, $"expected a brightness change from 0 to 0.9, got {Brightness}"));
        }

        return Enabled && !Flip && Crop == 0 && Brightness == 0
            ? ("enabled", "augmentation is on but flip is off and crop and brightness are 0, so every view would repeat the frame; turn one on or set enabled to false")
            : null;
    }
}

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>
/// A backbone already open elsewhere (the inspection pipeline's) that a fit may borrow to read images, so that a
/// fit while the device inspects does not open a second backbone session beside it.
/// </summary>
public interface IPatchMapSource
{
    /// <summary>Whether the source currently gives patch maps (the inspection backbone has them in modes <c>anomaly</c> and <c>both</c>).</summary>
    bool HasPatchMaps { get; }

    /// <summary>Preprocesses <paramref name="image"/> as inspection does, runs the backbone once and copies the stage 2 and stage 3 maps out.</summary>
    /// <param name="image">The image, any size.</param>
    /// <param name="stage2">Receives the finer map (its shape's length).</param>
    /// <param name="stage3">Receives the coarser map.</param>
    /// <returns>The shapes of the two maps.</returns>
    FeatureLayout ReadPatchMaps(Image<Rgb24> image, Span<float> stage2, Span<float> stage3);
}

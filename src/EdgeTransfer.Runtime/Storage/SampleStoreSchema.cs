using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// What the samples of a store are: the feature size, the class list (labels are stored as indices into it),
/// and which backbone extracted the features. Fixed when the store is created; a store refuses to open with another.
/// </summary>
/// <param name="FeatureDimension">D, the number of floats of every feature vector.</param>
/// <param name="Classes">The class names, in the bundle's order.</param>
/// <param name="FeatureSource">
/// What extracted the features (the backbone's sha256), or null to not check it. Features of another backbone
/// cannot train this bundle's head, even when D and the classes agree.
/// </param>
public sealed record SampleStoreSchema(int FeatureDimension, IReadOnlyList<string> Classes, string? FeatureSource = null)
{
    /// <summary>The schema of a bundle: its feature size, its classes and the sha256 of the backbone file in use.</summary>
    /// <param name="manifest">The verified manifest.</param>
    /// <param name="backboneRole">The role of the backbone the device runs (<see cref="BundleRoles.Backbone"/> or <see cref="BundleRoles.BackboneInt8"/>).</param>
    public static SampleStoreSchema FromManifest(BundleManifest manifest, string backboneRole)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(backboneRole);
        return new SampleStoreSchema(manifest.Features.Size, [.. manifest.Classes], manifest.FindFile(backboneRole)?.Sha256);
    }
}

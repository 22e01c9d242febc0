namespace EdgeTransfer.Preparation;

/// <summary>What <see cref="ModelExporter"/> wrote.</summary>
/// <param name="Path">The exported model file.</param>
/// <param name="BundleId">The bundle it came from.</param>
/// <param name="BackboneRole">Which backbone was used (<c>backbone</c> or <c>backbone-int8</c>).</param>
/// <param name="Classes">The class names, in output order.</param>
/// <param name="Bytes">The file size.</param>
public sealed record ExportResult(string Path, string BundleId, string BackboneRole, IReadOnlyList<string> Classes, long Bytes);

namespace EdgeTransfer.Imaging.Datasets;

/// <summary>One image of an MVTec AD category.</summary>
/// <param name="Path">The full path of the image file.</param>
/// <param name="DefectKind">The defect folder's name (<c>scratch</c>, …), or <see cref="MvtecCategory.Good"/> for a good part.</param>
/// <param name="MaskPath">The full path of the ground-truth mask; null for a good part (no defect, no mask).</param>
public sealed record MvtecEntry(string Path, string DefectKind, string? MaskPath)
{
    /// <summary>True for a good part.</summary>
    public bool IsGood => MaskPath is null;
}

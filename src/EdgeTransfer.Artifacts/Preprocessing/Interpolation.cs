using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>The resampling filter of the resize.</summary>
public enum Interpolation
{
    /// <summary>Bilinear interpolation, what both ML.NET and torchvision use by default.</summary>
    [JsonStringEnumMemberName("bilinear")]
    Bilinear,
}

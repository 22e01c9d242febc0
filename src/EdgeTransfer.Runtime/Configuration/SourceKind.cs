using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>Where frames come from (<c>source.kind</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    /// <summary>A V4L2 camera (<c>source.camera</c>).</summary>
    [JsonStringEnumMemberName("camera")]
    Camera,

    /// <summary>Images replayed from an ImageFolder tree, labels known from the folder names (<c>source.folder</c>).</summary>
    [JsonStringEnumMemberName("folder")]
    Folder,

    /// <summary>Generated parts with known defects, for demos and tests (<c>source.synthetic</c>).</summary>
    [JsonStringEnumMemberName("synthetic")]
    Synthetic,
}

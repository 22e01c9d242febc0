using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The pixel format asked of a V4L2 camera (<c>source.camera.pixelFormat</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PixelFormat>))]
public enum PixelFormat
{
    /// <summary>Packed YUV 4:2:2 (V4L2 <c>YUYV</c>), what most USB cameras give uncompressed.</summary>
    [JsonStringEnumMemberName("yuyv")]
    Yuyv,

    /// <summary>Motion JPEG (V4L2 <c>MJPG</c>): each frame a JPEG; needed for high resolutions over USB 2.</summary>
    [JsonStringEnumMemberName("mjpeg")]
    Mjpeg,

    /// <summary>Packed 8-bit RGB (V4L2 <c>RGB3</c>).</summary>
    [JsonStringEnumMemberName("rgb24")]
    Rgb24,
}

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// A copy of the last inspected frame, for <c>label</c> commands: its id, its feature vector (what the sample
/// store keeps) and a small RGB thumbnail (what a technician looks at before labelling it).
/// </summary>
/// <param name="FrameId">The frame id from the source.</param>
/// <param name="Timestamp">When the frame was captured.</param>
/// <param name="SourceName">The source of the frame.</param>
/// <param name="Label">The known class (replay, synthetic line), or null.</param>
/// <param name="Features">The backbone's feature vector (a copy).</param>
/// <param name="ThumbnailWidth">The thumbnail width in pixels.</param>
/// <param name="ThumbnailHeight">The thumbnail height in pixels.</param>
/// <param name="Thumbnail">The thumbnail, RGB24, rows top to bottom, no padding (a copy).</param>
/// <param name="Verdict">The verdict of the frame.</param>
public sealed record LastFrame(
    long FrameId,
    DateTimeOffset Timestamp,
    string SourceName,
    string? Label,
    float[] Features,
    int ThumbnailWidth,
    int ThumbnailHeight,
    byte[] Thumbnail,
    Verdict Verdict);

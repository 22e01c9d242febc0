namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// One captured frame: RGB24 pixels (rows top to bottom, 3 bytes per pixel, no padding) with where and
/// when it was taken and, for replayed and synthetic frames, the known class.
/// </summary>
/// <remarks>
/// A value type so that capturing allocates nothing per frame. <see cref="Pixels"/> is a view of the
/// source's reused buffer: valid until the next capture from the same source.
/// </remarks>
/// <param name="Id">Increases by one for each delivered frame of a source (monotonic, never reused).</param>
/// <param name="Timestamp">When the frame was captured, from the source's <see cref="TimeProvider"/>.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Pixels">RGB24 pixels, <c>Width × Height × 3</c> bytes.</param>
/// <param name="Label">The known class (folder replay, synthetic line), or null for a camera.</param>
/// <param name="SourceName">The <see cref="IFrameSource.Name"/> of the source.</param>
/// <param name="Origin">Where the pixels came from (file path, device path, synthetic part), for audit.</param>
public readonly record struct Frame(
    long Id,
    DateTimeOffset Timestamp,
    int Width,
    int Height,
    ReadOnlyMemory<byte> Pixels,
    string? Label,
    string SourceName,
    string? Origin);

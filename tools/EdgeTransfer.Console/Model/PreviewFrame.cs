namespace EdgeTransfer.LineConsole.Model;

/// <summary>A small RGB thumbnail of the device's last frame (see docs/console.md, the <c>preview</c> command).</summary>
/// <param name="FrameId">The frame it shows.</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Rgb">Width × Height × 3 bytes, row-major from the top-left, R G B.</param>
/// <param name="ReceivedAt">When the console received it.</param>
/// <param name="AnomalyMap">The anomaly map the device sent with it (modes <c>anomaly</c> and <c>both</c>), or null.</param>
public sealed record PreviewFrame(long FrameId, int Width, int Height, ReadOnlyMemory<byte> Rgb, DateTimeOffset ReceivedAt, AnomalyMapView? AnomalyMap = null);

namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

/// <summary>One frame of a <see cref="ScriptedFrameSource"/>.</summary>
public sealed record ScriptedFrame(byte[] Pixels, int Width, int Height, string? Label, bool Corrupt = false, bool Skip = false)
{
    public static ScriptedFrame Solid(byte value, string label, int width = 160, int height = 120)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, value);
        return new ScriptedFrame(pixels, width, height, label);
    }
}

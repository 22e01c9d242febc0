using System.Globalization;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>Checks shared by the options validators of this folder.</summary>
internal static class CaptureSettings
{
    /// <summary>The highest frame rate accepted; beyond it a typo (fps given in Hz × 1000) is more likely.</summary>
    public const double MaxFramesPerSecond = 1000;

    public static void CheckRate(string setting, double? framesPerSecond)
    {
        if (framesPerSecond is { } fps && (!double.IsFinite(fps) || fps <= 0 || fps > MaxFramesPerSecond))
        {
            throw new InvalidSettingException(setting, string.Create(CultureInfo.InvariantCulture, $"must be a rate above 0 and at most {MaxFramesPerSecond} frames per second, or absent for no limit; got {fps}."));
        }
    }
}

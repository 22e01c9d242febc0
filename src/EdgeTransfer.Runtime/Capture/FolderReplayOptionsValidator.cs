namespace EdgeTransfer.Runtime.Capture;

/// <summary>Checks <see cref="FolderReplayOptions"/>.</summary>
internal static class FolderReplayOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(FolderReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new InvalidSettingException("FolderReplayOptions.Directory", "must name the image folder to replay; it is empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new InvalidSettingException("FolderReplayOptions.Name", "must not be empty; it names the source in status reports.");
        }

        CaptureSettings.CheckRate("FolderReplayOptions.FramesPerSecond", options.FramesPerSecond);
        options.Decoder?.Validate();
    }
}

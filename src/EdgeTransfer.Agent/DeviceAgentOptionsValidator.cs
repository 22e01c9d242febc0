using EdgeTransfer.Mqtt.Deployment;

namespace EdgeTransfer.Agent;

/// <summary>Checks <see cref="DeviceAgentOptions"/>; every problem names the setting and what was expected.</summary>
internal static class DeviceAgentOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> for the first bad setting.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(DeviceAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.AppVersion) || options.AppVersion.Length > 64)
        {
            throw new InvalidSettingException("agent.appVersion", $"expected 1 to 64 characters, got \"{options.AppVersion}\".");
        }

        Positive(options.KeepAlive, "agent.keepAlive");
        Positive(options.ConnectTimeout, "agent.connectTimeout");
        Positive(options.ReconnectMinDelay, "agent.reconnectMinDelay");
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            throw new InvalidSettingException("agent.reconnectMaxDelay", $"expected at least agent.reconnectMinDelay ({options.ReconnectMinDelay}), got {options.ReconnectMaxDelay}.");
        }

        if (options.MaxChunkSize is < BundleChunker.MinChunkSize or > BundleChunker.MaxChunkSize)
        {
            throw new InvalidSettingException("agent.maxChunkSize", $"expected {BundleChunker.MinChunkSize} to {BundleChunker.MaxChunkSize} bytes, got {options.MaxChunkSize}.");
        }

        if (options.MaxBundleBytes < 1)
        {
            throw new InvalidSettingException("agent.maxBundleBytes", $"expected a positive number of bytes, got {options.MaxBundleBytes}.");
        }
    }

    private static void Positive(TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new InvalidSettingException(key, $"expected a positive duration, got {value}.");
        }
    }
}

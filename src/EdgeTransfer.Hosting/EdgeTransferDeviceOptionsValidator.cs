using Microsoft.Extensions.Options;

namespace EdgeTransfer.Hosting;

/// <summary>
/// Checks <see cref="EdgeTransferDeviceOptions"/> when the host starts (<c>ValidateOnStart</c>): the configuration file
/// loads, or the settings from code are complete and in range, each problem named by its JSON path.
/// </summary>
/// <remarks>The bundle itself is verified when the device opens it, not here: verifying means hashing every file.</remarks>
internal sealed class EdgeTransferDeviceOptionsValidator : IValidateOptions<EdgeTransferDeviceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EdgeTransferDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.VerdictBufferCapacity < 1)
        {
            failures.Add($"VerdictBufferCapacity: expected at least 1, got {options.VerdictBufferCapacity}.");
        }

        if (options.ConfigFile is { } file && !File.Exists(file))
        {
            failures.Add($"ConfigFile: {Path.GetFullPath(file)} does not exist.");
        }
        else if (options.ConfigFile is null && options.Device is null)
        {
            failures.Add("Device: set the device settings, or ConfigFile.");
        }
        else
        {
            try
            {
                _ = options.LoadDevice(checkFiles: false);
            }
            catch (InvalidSettingException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

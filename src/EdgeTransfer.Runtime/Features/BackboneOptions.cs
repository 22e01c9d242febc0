using System.Globalization;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Runtime.Features;

/// <summary>How ONNX Runtime runs the backbone: execution provider, threads and spinning.</summary>
public sealed class BackboneOptions
{
    /// <summary>The execution provider: <c>cpu</c> (default), <c>cuda</c> or <c>directml</c>.</summary>
    public ExecutionProviderKind ExecutionProvider { get; init; } = ExecutionProviderKind.Cpu;

    /// <summary>The GPU ordinal for <c>cuda</c> and <c>directml</c>. Default 0.</summary>
    public int DeviceId { get; init; }

    /// <summary>Intra-op threads, 0 to 256; 0 (default) lets ONNX Runtime use one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// ONNX Runtime's <c>session.intra_op.allow_spinning</c>. Default false: on the 2-core reference VM the float
    /// ResNet18 ran at ~12–14 ms per image at batch 1 without spinning against ~25–27 ms with ORT's default
    /// (spinning pool threads take the cores the work needs; docs/benchmarks.md).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// When the configured GPU provider is missing from the ONNX Runtime package: false (default) refuses to
    /// start with <see cref="ExecutionProviderUnavailableException"/>; true logs it and runs on the CPU provider.
    /// </summary>
    public bool FallBackToCpu { get; init; }

    /// <summary>The options that the <c>executionProvider</c> section of <c>device.json</c> describes.</summary>
    /// <param name="section">The validated section.</param>
    public static BackboneOptions FromConfiguration(ExecutionProviderOptions section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new BackboneOptions
        {
            ExecutionProvider = section.Kind,
            IntraOpThreads = section.IntraOpThreads,
            AllowSpinning = section.AllowSpinning,
        };
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (IntraOpThreads is < 0 or > 256)
        {
            throw new InvalidSettingException("executionProvider.intraOpThreads", string.Create(CultureInfo.InvariantCulture, $"expected 0 (one per core) to 256, got {IntraOpThreads}."));
        }

        if (DeviceId < 0)
        {
            throw new InvalidSettingException("executionProvider.deviceId", string.Create(CultureInfo.InvariantCulture, $"expected a GPU ordinal of 0 or more, got {DeviceId}."));
        }

        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new InvalidSettingException("executionProvider.kind", $"expected \"cpu\", \"cuda\" or \"directml\", got {ExecutionProvider}.");
        }
    }
}

using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>A fact that needs the reference ONNX checker; skipped, with the reason, where it is not installed.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the checker is missing.</summary>
    public OnnxCheckerFactAttribute()
    {
        if (!OnnxChecker.IsAvailable)
        {
            Skip = OnnxChecker.MissingReason;
        }
    }
}

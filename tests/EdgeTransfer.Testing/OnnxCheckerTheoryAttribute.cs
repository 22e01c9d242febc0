using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>A theory that needs the reference ONNX checker; skipped, with the reason, where it is not installed.</summary>
public sealed class OnnxCheckerTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the checker is missing.</summary>
    public OnnxCheckerTheoryAttribute()
    {
        if (!OnnxChecker.IsAvailable)
        {
            Skip = OnnxChecker.MissingReason;
        }
    }
}

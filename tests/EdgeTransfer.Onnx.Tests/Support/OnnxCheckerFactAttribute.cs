using EdgeTransfer.Testing;

namespace EdgeTransfer.Onnx.Tests.Support;

/// <summary>A fact that needs the reference ONNX checker; skipped, with the reason, where it is not installed.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    public OnnxCheckerFactAttribute()
    {
        if (!OnnxChecker.IsAvailable)
        {
            Skip = "The ONNX checker (python3-onnx) is not installed on this machine: apt-get install -y python3-onnx (see .ci/run).";
        }
    }
}

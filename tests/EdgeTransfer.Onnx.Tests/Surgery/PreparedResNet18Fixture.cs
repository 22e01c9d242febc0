using System.Diagnostics;
using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Onnx.Tests.Surgery;

/// <summary>Prepares the ResNet18 once for all tests of a class (the preparation is the slow part).</summary>
public sealed class PreparedResNet18Fixture
{
    public PreparedResNet18Fixture()
    {
        Source = OnnxModelFile.Load(PretrainedModels.ResNet18);
        SourceBytes = Source.CalculateSize();
        var watch = Stopwatch.StartNew();
        Backbone = new BackbonePreparer().Prepare(Source, PretrainedModels.ResNet18);
        Elapsed = watch.Elapsed;
    }

    public ModelProto Source { get; }

    public int SourceBytes { get; }

    public PreparedBackbone Backbone { get; }

    public TimeSpan Elapsed { get; }
}

using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>One graph edit. Passes change the model in place and say what they changed.</summary>
public interface IModelPass
{
    /// <summary>The pass's short name for reports (kebab-case).</summary>
    string Name { get; }

    /// <summary>Applies the pass to <paramref name="model"/>, in place.</summary>
    /// <param name="model">A model that passed <see cref="Model.OnnxModelFile.Validate"/>.</param>
    /// <returns>What changed.</returns>
    /// <exception cref="GraphException">The edit cannot be done on this graph; the message says which node or tensor and why.</exception>
    PassReport Apply(ModelProto model);
}

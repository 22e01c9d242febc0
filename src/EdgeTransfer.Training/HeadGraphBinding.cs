using Microsoft.ML.OnnxRuntime;
using EdgeTransfer.Artifacts.Checkpoints;

namespace EdgeTransfer.Training;

/// <summary>
/// How a <see cref="HeadTrainer"/> matches a bundle's training and optimizer graphs to a checkpoint: reading the graph
/// files, the fixed dimensions it needs, and one checkpoint tensor per graph input, with an error that says which
/// name or shape does not fit (docs/bundle.md, "Graph interfaces").
/// </summary>
internal static class HeadGraphBinding
{
    /// <summary>The bytes of a graph file, or a <see cref="ModelFormatException"/> naming it.</summary>
    public static byte[] ReadModel(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"it cannot be read ({ex.Message}).", ex);
        }
    }

    /// <summary>The error for graphs and a checkpoint that do not fit together.</summary>
    public static TrainingException Mismatch(string reason) =>
        new($"The head cannot be trained: {reason}. The graphs and the checkpoint must come from the same bundle.");

    /// <summary>Dimension <paramref name="axis"/> of <paramref name="input"/>, which must be fixed.</summary>
    public static int FixedDimension(string graph, IReadOnlyDictionary<string, NodeMetadata> inputs, string input, int axis)
    {
        if (!inputs.TryGetValue(input, out var meta) || meta.Dimensions.Length <= axis || meta.Dimensions[axis] <= 0)
        {
            throw Mismatch($"graph '{graph}' has no input '{input}' with a fixed dimension {axis} (see docs/bundle.md)");
        }

        return meta.Dimensions[axis];
    }

    /// <summary>The slot of graph input <paramref name="name"/>, started from the checkpoint tensor of that name and shape.</summary>
    public static TensorSlot Slot(IReadOnlyList<NamedTensor> source, string name, NodeMetadata meta, string role)
    {
        var tensor = source.FirstOrDefault(t => t.Name == name)
            ?? throw Mismatch($"the checkpoint has no {role} '{name}' that the graphs need");
        long[] expected = [.. meta.Dimensions.Select(d => (long)d)];
        if (!expected.SequenceEqual(tensor.Shape))
        {
            throw Mismatch($"{role} '{name}' has shape [{string.Join(",", tensor.Shape)}] in the checkpoint but [{string.Join(",", expected)}] in the graphs");
        }

        return new TensorSlot(name, expected, tensor.Data);
    }
}

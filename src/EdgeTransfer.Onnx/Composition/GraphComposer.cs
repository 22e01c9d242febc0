using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Composition;

/// <summary>
/// Appends one model's graph to another's: chosen inputs of the second are wired to outputs of the
/// first, others are bound to constant tensors (they become initializers), and every other name of the
/// second graph gets a prefix so nothing collides.
/// </summary>
/// <remarks>
/// Used by <c>edgetransfer export</c> to make backbone + trained head + softmax one deployable model.
/// Both graphs must use the default ONNX domain at the same opset; the composed model keeps the first
/// model's IR version and metadata.
/// </remarks>
public static class GraphComposer
{
    /// <summary>Composes <paramref name="first"/> then <paramref name="second"/>.</summary>
    /// <param name="first">The upstream model (its inputs stay the inputs of the result).</param>
    /// <param name="second">The downstream model (its outputs become the outputs of the result).</param>
    /// <param name="wiring">Input of <paramref name="second"/> → output of <paramref name="first"/> that feeds it.</param>
    /// <param name="bindings">Inputs of <paramref name="second"/> that become constants (name = the input's name).</param>
    /// <param name="prefix">Prefix for every other tensor and node name of <paramref name="second"/>.</param>
    /// <returns>A new model; the arguments are not changed.</returns>
    /// <exception cref="GraphException">An input of <paramref name="second"/> is neither wired nor bound, a wire names no output of <paramref name="first"/>, or the opsets differ.</exception>
    public static ModelProto Compose(
        ModelProto first,
        ModelProto second,
        IReadOnlyDictionary<string, string> wiring,
        IReadOnlyList<TensorProto> bindings,
        string prefix)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(wiring);
        ArgumentNullException.ThrowIfNull(bindings);
        ArgumentException.ThrowIfNullOrEmpty(prefix);

        var opsetFirst = DefaultOpset(first);
        var opsetSecond = DefaultOpset(second);
        if (opsetFirst != opsetSecond)
        {
            throw new GraphException($"Cannot compose graphs of different opsets ({opsetFirst} and {opsetSecond}); upgrade both to the same opset first.");
        }

        var firstOutputs = first.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (input, output) in wiring)
        {
            if (!firstOutputs.Contains(output))
            {
                throw new GraphException($"Cannot wire '{input}' to '{output}': the first graph's outputs are {string.Join(", ", firstOutputs)}.", output);
            }
        }

        var bound = bindings.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in second.Graph.Input)
        {
            if (wiring.TryGetValue(input.Name, out var source))
            {
                rename[input.Name] = source;
            }
            else if (bound.ContainsKey(input.Name))
            {
                rename[input.Name] = prefix + input.Name;
            }
            else if (second.Graph.Initializer.All(i => i.Name != input.Name))
            {
                throw new GraphException($"Input '{input.Name}' of the second graph is neither wired to an output of the first nor bound to a value.", input.Name);
            }
        }

        string Map(string name) => name.Length == 0 ? name : rename.TryGetValue(name, out var mapped) ? mapped : prefix + name;

        var model = first.Clone();
        var graph = model.Graph;
        graph.Output.Clear();
        foreach (var binding in bindings)
        {
            var tensor = binding.Clone();
            tensor.Name = Map(binding.Name);
            graph.Initializer.Add(tensor);
        }

        foreach (var initializer in second.Graph.Initializer)
        {
            var tensor = initializer.Clone();
            tensor.Name = Map(initializer.Name);
            graph.Initializer.Add(tensor);
        }

        foreach (var node in second.Graph.Node)
        {
            var copy = node.Clone();
            copy.Name = node.Name.Length == 0 ? string.Empty : prefix + node.Name;
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Map));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Map));
            graph.Node.Add(copy);
        }

        foreach (var info in second.Graph.ValueInfo)
        {
            var copy = info.Clone();
            copy.Name = Map(info.Name);
            graph.ValueInfo.Add(copy);
        }

        // Outputs of the second graph keep their names: they are the public interface of the result.
        foreach (var output in second.Graph.Output)
        {
            var mapped = Map(output.Name);
            graph.Node.Add(new NodeProto { OpType = "Identity", Name = prefix + "output/" + output.Name, Input = { mapped }, Output = { output.Name } });
            graph.Output.Add(output.Clone());
        }

        return model;
    }

    private static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain.Length == 0 || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
}

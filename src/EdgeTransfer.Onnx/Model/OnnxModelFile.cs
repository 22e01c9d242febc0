using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Onnx.Protos;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Model;

/// <summary>
/// Loads, saves and structurally validates ONNX model files. Every rejection is a
/// <see cref="ModelFormatException"/> whose message names the file and the reason.
/// </summary>
public static class OnnxModelFile
{
    // Protobuf (and so ONNX without external data) cannot hold a message of 2 GiB or more.
    private const long MaxModelBytes = int.MaxValue;

    /// <summary>Reads and parses an ONNX model file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The parsed model; <see cref="Validate"/> it before editing.</returns>
    /// <exception cref="ModelFormatException">
    /// The file is missing, empty, unreadable, truncated, not protobuf, a protobuf that is not a model,
    /// or a model that keeps tensors in external data files.
    /// </exception>
    public static ModelProto Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ModelFormatException(path, "it is a directory, not a model file; give the path of the .onnx file.");
        }

        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, $"the file does not exist (looked for '{Path.GetFullPath(path)}').");
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length >= MaxModelBytes)
            {
                throw new ModelFormatException(path, $"the file is {length} bytes; a model of 2 GiB or more needs external data, which is not supported.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"the file cannot be read ({e.Message}).", e);
        }

        return Load(bytes, path);
    }

    /// <summary>Parses an ONNX model held in memory.</summary>
    /// <param name="bytes">The serialized model.</param>
    /// <param name="name">The name used in error messages (usually the file it came from).</param>
    /// <returns>The parsed model.</returns>
    /// <exception cref="ModelFormatException">The bytes are empty, truncated, not an ONNX model, or use external data.</exception>
    public static ModelProto Load(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (bytes.Length == 0)
        {
            throw new ModelFormatException(name, "the file is empty (0 bytes); it was probably not copied completely, copy it again.");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(name, DescribeParseFailure(bytes, e), e);
        }

        if (MissingModelPart(model) is { } missing)
        {
            // A text file or an image can parse as a protobuf full of unknown fields: say what it really is.
            var reason = FileSniffer.Describe(bytes) is { } kind
                ? $"it is {kind}, not an ONNX model."
                : $"it is a protobuf message but not an ONNX model: {missing} (the file may also be truncated).";
            throw new ModelFormatException(name, reason);
        }

        if (FindExternalTensor(model.Graph) is { } external)
        {
            var location = external.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "?";
            throw new ModelFormatException(
                name,
                $"tensor '{external.Name}' keeps its data in the external file '{location}'; external data is not supported. " +
                "Save the model with every tensor inside the .onnx file (onnx.save(model, path, save_as_external_data=False)).");
        }

        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> crash-safe (temporary file, flush, rename).</summary>
    /// <param name="model">The model to write.</param>
    /// <param name="path">The target file; its directory is created if needed.</param>
    public static void Save(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>
    /// Checks the structure that every pass relies on: a default-domain opset, nodes in topological
    /// order whose inputs are all produced (by a node, an initializer or a graph input), every tensor
    /// produced once, and every graph output produced.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="name">The model's name in messages (usually its file).</param>
    /// <exception cref="ModelFormatException">The first problem found, naming the node or tensor.</exception>
    public static void Validate(ModelProto model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (MissingModelPart(model) is { } missing)
        {
            throw new ModelFormatException(name, $"it is not a complete ONNX model: {missing}");
        }

        if (ModelFacts.DefaultOpset(model) is null)
        {
            throw new ModelFormatException(name, "it imports no default-domain ('ai.onnx') opset, so the meaning of its operators is unknown.");
        }

        var graph = model.Graph;
        var producedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            if (input.Name.Length == 0)
            {
                throw new ModelFormatException(name, "a graph input has no name.");
            }

            if (!producedBy.TryAdd(input.Name, "graph input"))
            {
                throw new ModelFormatException(name, $"graph input '{input.Name}' is declared twice.");
            }
        }

        var initializerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer)
        {
            if (!initializerNames.Add(tensor.Name))
            {
                throw new ModelFormatException(name, $"initializer '{tensor.Name}' is declared twice.");
            }

            producedBy.TryAdd(tensor.Name, "initializer");
        }

        var laterOutputs = new HashSet<string>(graph.Node.SelectMany(n => n.Output), StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            var label = $"node '{ModelFacts.Describe(node)}' (#{i}, {(node.OpType.Length > 0 ? node.OpType : "no op_type")})";
            if (node.OpType.Length == 0)
            {
                throw new ModelFormatException(name, $"{label} has no operator type.");
            }

            foreach (var input in GraphIndex.InputsOf(node))
            {
                if (producedBy.ContainsKey(input))
                {
                    continue;
                }

                throw new ModelFormatException(name, laterOutputs.Contains(input)
                    ? $"{label} reads tensor '{input}' before the node that produces it; the nodes are not in topological order."
                    : $"{label} reads tensor '{input}', which no node, initializer or graph input produces.");
            }

            foreach (var output in node.Output)
            {
                if (output.Length == 0)
                {
                    continue;
                }

                if (!producedBy.TryAdd(output, $"node '{ModelFacts.Describe(node)}'"))
                {
                    throw new ModelFormatException(name, $"tensor '{output}' is produced twice: by {producedBy[output]} and by {label}; ONNX tensor names must be unique.");
                }
            }
        }

        foreach (var output in graph.Output)
        {
            if (!producedBy.ContainsKey(output.Name))
            {
                throw new ModelFormatException(name, $"graph output '{output.Name}' is not produced by any node, initializer or graph input.");
            }
        }
    }

    private static string? MissingModelPart(ModelProto model)
    {
        if (model.Graph is null)
        {
            return "it has no graph.";
        }

        if (model.IrVersion <= 0)
        {
            return "it has no ir_version.";
        }

        return model.OpsetImport.Count == 0 ? "it has no opset_import." : null;
    }

    private static string DescribeParseFailure(byte[] bytes, InvalidProtocolBufferException e)
    {
        if (FileSniffer.Describe(bytes) is { } kind)
        {
            return $"it is {kind}, not an ONNX model.";
        }

        // Google.Protobuf reports a message cut short as "the input ended unexpectedly … truncated".
        return e.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("ended unexpectedly", StringComparison.OrdinalIgnoreCase)
            ? $"the file is truncated ({bytes.Length} bytes, it ends in the middle of the model); copy it again."
            : $"it is not an ONNX model: the content is not a valid protobuf message ({e.Message}).";
    }

    private static TensorProto? FindExternalTensor(GraphProto graph)
    {
        foreach (var tensor in graph.Initializer)
        {
            if (IsExternal(tensor))
            {
                return tensor;
            }
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                if (attribute.T is { } t && IsExternal(t))
                {
                    return t;
                }

                foreach (var tensor in attribute.Tensors)
                {
                    if (IsExternal(tensor))
                    {
                        return tensor;
                    }
                }

                foreach (var subgraph in attribute.Graphs.Append(attribute.G))
                {
                    if (subgraph is not null && FindExternalTensor(subgraph) is { } inner)
                    {
                        return inner;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0;
}

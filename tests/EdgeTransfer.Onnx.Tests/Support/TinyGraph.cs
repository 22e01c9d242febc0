using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Tensors;
using Google.Protobuf;

namespace EdgeTransfer.Onnx.Tests.Support;

/// <summary>Builds the small hand-made models the pass tests run on.</summary>
internal sealed class TinyGraph
{
    private readonly ModelProto _model;

    public TinyGraph(long opset, long irVersion = 8)
    {
        _model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "EdgeTransfer.Onnx.Tests",
            Graph = new GraphProto { Name = "tiny" },
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>Adds a float input; a dimension of -1 is written as the symbolic "N".</summary>
    public TinyGraph Input(string name, params long[] shape)
    {
        Graph.Input.Add(Value(name, shape));
        return this;
    }

    /// <summary>Adds a float output; no shape means "not declared".</summary>
    public TinyGraph Output(string name, params long[] shape)
    {
        Graph.Output.Add(Value(name, shape.Length == 0 ? null : shape));
        return this;
    }

    public TinyGraph Floats(string name, long[] dims, float[] values)
    {
        Graph.Initializer.Add(TensorProtos.FromFloats(name, dims, values));
        return this;
    }

    public TinyGraph Int64s(string name, params long[] values)
    {
        Graph.Initializer.Add(TensorProtos.Int64Vector(name, values));
        return this;
    }

    public NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null)
    {
        var node = new NodeProto { OpType = op, Name = name ?? outputs[0] + "_node" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        Graph.Node.Add(node);
        return node;
    }

    public ModelProto Build() => _model.Clone();

    public static ValueInfoProto Value(string name, long[]? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in shape)
            {
                tensor.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
            }
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}

/// <summary>Attribute setters for hand-made nodes.</summary>
internal static class NodeExtensions
{
    public static NodeProto With(this NodeProto node, string name, long value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    public static NodeProto With(this NodeProto node, string name, float value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });
        return node;
    }

    public static NodeProto With(this NodeProto node, string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        node.Attribute.Add(attribute);
        return node;
    }

    public static NodeProto With(this NodeProto node, string name, string value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
        return node;
    }

    public static bool HasAttribute(this NodeProto node, string name) => node.Attribute.Any(a => a.Name == name);
}

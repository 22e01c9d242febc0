using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Quantization;

/// <summary>
/// Takes the 4-bit weights out of a quantized backbone for <see cref="PackedWeightsFile"/>: the bundle stores them two to
/// a byte and the device puts them back (<c>Bundle.ReadBackbone</c>) before ONNX Runtime sees the graph.
/// </summary>
public static class Int4WeightPacking
{
    /// <summary>Removes the initializers named <paramref name="names"/> from <paramref name="model"/> and returns them.</summary>
    /// <param name="model">The QDQ model; changed in place.</param>
    /// <param name="names">Int8 initializers that hold 4-bit weights (<see cref="QuantizationReport.Int4Weights"/>).</param>
    /// <param name="groupSize">Values of a row that share a 4-bit step (<see cref="QuantizationOptions.Int4GroupSize"/>); 0 for one per tensor.</param>
    /// <returns>The tensors, in the order of <paramref name="names"/>; <see cref="PackedWeightsFile.Write"/> checks their values.</returns>
    /// <exception cref="GraphException">A name is not an int8 initializer with raw data.</exception>
    public static IReadOnlyList<Int4Tensor> TakeOut(ModelProto model, IReadOnlyList<string> names, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(names);
        var tensors = new List<Int4Tensor>(names.Count);
        foreach (var name in names)
        {
            var initializer = model.Graph.Initializer.FirstOrDefault(i => i.Name == name);
            if (initializer is null || initializer.DataType != (int)TensorProto.Types.DataType.Int8 || initializer.RawData.Length == 0)
            {
                throw new GraphException($"The 4-bit weight '{name}' is not an int8 initializer with raw data in the quantized backbone; it cannot be packed.", name);
            }

            var values = MemoryMarshal.Cast<byte, sbyte>(initializer.RawData.Span).ToArray();
            tensors.Add(new Int4Tensor(name, [.. initializer.Dims], values, groupSize));
            model.Graph.Initializer.Remove(initializer);
        }

        return tensors;
    }
}

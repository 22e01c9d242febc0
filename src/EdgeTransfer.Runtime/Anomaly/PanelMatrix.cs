using System.Numerics;
using System.Numerics.Tensors;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// Rows of a matrix regrouped for the vector kernels: panels of <see cref="PanelWidth"/> rows, each panel
/// stored dimension-major (all rows' dimension 0, then all rows' dimension 1, …), so that one vector load
/// gives one dimension of a panel's rows and a panel's data is read front to back from the cache.
/// </summary>
/// <remarks>The last panel is padded with zero rows whose norm is +∞, so a minimum never picks them.</remarks>
internal sealed class PanelMatrix
{
    public PanelMatrix(ReadOnlySpan<float> rows, int count, int dimensions)
        : this(count, dimensions)
    {
        for (var r = 0; r < count; r++)
        {
            SetRow(r, rows.Slice(r * dimensions, dimensions));
        }
    }

    /// <summary>An empty matrix of <paramref name="count"/> rows, to be filled with <see cref="SetRow"/> (rows not set stay zero).</summary>
    public PanelMatrix(int count, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Count = count;
        Dimensions = dimensions;
        Panels = (count + PanelWidth - 1) / PanelWidth;
        Data = new float[Panels * dimensions * PanelWidth];
        Norms = new float[Panels * PanelWidth];
        Norms.AsSpan(count).Fill(float.PositiveInfinity);
    }

    /// <summary>Stores row <paramref name="index"/> and its squared norm.</summary>
    public void SetRow(int index, ReadOnlySpan<float> row)
    {
        Norms[index] = TensorPrimitives.SumOfSquares(row);
        var panelStart = index / PanelWidth * Dimensions * PanelWidth;
        var lane = index % PanelWidth;
        for (var k = 0; k < Dimensions; k++)
        {
            Data[panelStart + (k * PanelWidth) + lane] = row[k];
        }
    }

    /// <summary>Two hardware vectors of rows per panel: enough independent accumulators to hide FMA latency.</summary>
    public static int PanelWidth => 2 * Vector<float>.Count;

    public int Count { get; }

    public int Dimensions { get; }

    public int Panels { get; }

    /// <summary>Panel after panel; within a panel, dimension after dimension, <see cref="PanelWidth"/> rows each.</summary>
    public float[] Data { get; }

    /// <summary>The squared norm of each row (+∞ for padding rows).</summary>
    public float[] Norms { get; }
}

using System.Numerics.Tensors;
using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>
/// A seeded Johnson–Lindenstrauss projection: embeddings times a random matrix of ±1/√k entries
/// (Achlioptas' database-friendly form), which keeps distances within a few percent and makes the memory
/// bank and the nearest-neighbour search proportionally smaller.
/// </summary>
public sealed class RandomProjection
{
    /// <summary>Creates the projection from <paramref name="inputDimensions"/> to <paramref name="outputDimensions"/>, fixed by <paramref name="seed"/>.</summary>
    /// <param name="inputDimensions">The embedding length before projection.</param>
    /// <param name="outputDimensions">The embedding length after projection.</param>
    /// <param name="seed">The seed; the same seed gives the same matrix on every platform.</param>
    public RandomProjection(int inputDimensions, int outputDimensions, ulong seed)
        : this(inputDimensions, outputDimensions, Generate(inputDimensions, outputDimensions, seed))
    {
    }

    /// <summary>Wraps a stored matrix (rows = input dimensions, columns = output dimensions), not copied.</summary>
    /// <param name="inputDimensions">The embedding length before projection.</param>
    /// <param name="outputDimensions">The embedding length after projection.</param>
    /// <param name="matrix">The row-major matrix of <paramref name="inputDimensions"/> × <paramref name="outputDimensions"/> values.</param>
    public RandomProjection(int inputDimensions, int outputDimensions, float[] matrix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimensions, 1);
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Length != (long)inputDimensions * outputDimensions)
        {
            throw new ArgumentException($"A projection from {inputDimensions} to {outputDimensions} dimensions has {inputDimensions * outputDimensions} values; {matrix.Length} were given.", nameof(matrix));
        }

        InputDimensions = inputDimensions;
        OutputDimensions = outputDimensions;
        Matrix = matrix;
    }

    /// <summary>The embedding length before projection.</summary>
    public int InputDimensions { get; }

    /// <summary>The embedding length after projection.</summary>
    public int OutputDimensions { get; }

    /// <summary>The row-major matrix (input dimensions × output dimensions).</summary>
    public float[] Matrix { get; }

    /// <summary>Projects <paramref name="rows"/> embeddings.</summary>
    /// <param name="source">Row-major embeddings of <see cref="InputDimensions"/> values each.</param>
    /// <param name="rows">The number of embeddings.</param>
    /// <param name="destination">Receives row-major embeddings of <see cref="OutputDimensions"/> values each.</param>
    public void Project(ReadOnlySpan<float> source, int rows, Span<float> destination)
    {
        if (source.Length < rows * InputDimensions || destination.Length < rows * OutputDimensions)
        {
            throw new ArgumentException($"Projecting {rows} rows needs {rows * InputDimensions} source and {rows * OutputDimensions} destination values.", nameof(source));
        }

        var matrix = Matrix.AsSpan();
        for (var r = 0; r < rows; r++)
        {
            var input = source.Slice(r * InputDimensions, InputDimensions);
            var output = destination.Slice(r * OutputDimensions, OutputDimensions);
            output.Clear();
            for (var k = 0; k < InputDimensions; k++)
            {
                // Row k of the matrix scaled by one input value: a vectorised axpy per input dimension.
                TensorPrimitives.MultiplyAdd(matrix.Slice(k * OutputDimensions, OutputDimensions), input[k], output, output);
            }
        }
    }

    private static float[] Generate(int inputDimensions, int outputDimensions, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimensions, 1);
        var scale = 1f / MathF.Sqrt(outputDimensions);
        var random = new SplitMix64(seed);
        var matrix = new float[inputDimensions * outputDimensions];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (random.NextUInt64() >> 63) == 0 ? scale : -scale;
        }

        return matrix;
    }
}

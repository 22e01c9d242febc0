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

    /// <summary>
    /// Projects channel planes: <paramref name="channels"/> planes of <paramref name="positions"/> values (CHW),
    /// which are the projection's input dimensions <paramref name="firstInput"/> onwards, become
    /// <see cref="OutputDimensions"/> planes of the same positions, each the sum of the input planes weighted
    /// by one column of the matrix. Output planes must be summed over every input range to give the full
    /// projection; callers that split the inputs (one map per range) add the ranges' results themselves.
    /// </summary>
    /// <param name="planes">The input planes, channel-major.</param>
    /// <param name="firstInput">The input dimension of the first plane.</param>
    /// <param name="channels">How many planes.</param>
    /// <param name="positions">The values per plane.</param>
    /// <param name="destination">At least <see cref="OutputDimensions"/> × <paramref name="positions"/> values, overwritten.</param>
    public void ProjectPlanes(ReadOnlySpan<float> planes, int firstInput, int channels, int positions, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstInput);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstInput + channels, InputDimensions, nameof(channels));
        if (planes.Length < channels * positions || destination.Length < OutputDimensions * positions)
        {
            throw new ArgumentException($"Projecting {channels} planes of {positions} values needs {channels * positions} source and {OutputDimensions * positions} destination values.", nameof(planes));
        }

        // One output plane at a time stays in the L1 cache while the input planes stream past it; every
        // step is an axpy over a whole plane, long enough for the vector units.
        for (var o = 0; o < OutputDimensions; o++)
        {
            var output = destination.Slice(o * positions, positions);
            output.Clear();
            for (var c = 0; c < channels; c++)
            {
                TensorPrimitives.MultiplyAdd(planes.Slice(c * positions, positions), Matrix[((firstInput + c) * OutputDimensions) + o], output, output);
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

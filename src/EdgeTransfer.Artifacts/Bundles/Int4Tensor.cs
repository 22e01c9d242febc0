namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>
/// An int8 initializer of the INT8 backbone that holds 4-bit weights, as <see cref="PackedWeightsFile"/> stores it: every value
/// is m·q with q in [-7, 7] and m, from 1 to 16, shared by each run of <paramref name="GroupSize"/> values of a row
/// (a row is one index of the first dimension; 0: m is 1 for the whole tensor).
/// </summary>
/// <param name="Name">The initializer's name in the backbone graph.</param>
/// <param name="Dims">Its shape (every dimension at least 1).</param>
/// <param name="Values">Its int8 values, row-major.</param>
/// <param name="GroupSize">Values of a row that share a multiplier; 0 for none (all values in [-7, 7]).</param>
public sealed record Int4Tensor(string Name, IReadOnlyList<long> Dims, sbyte[] Values, int GroupSize = 0);

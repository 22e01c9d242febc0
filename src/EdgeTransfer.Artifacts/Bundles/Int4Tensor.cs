namespace EdgeTransfer.Artifacts.Bundles;

/// <summary>An int8 initializer of the INT8 backbone whose values all lie in [-7, 7], as <see cref="PackedWeightsFile"/> stores it.</summary>
/// <param name="Name">The initializer's name in the backbone graph.</param>
/// <param name="Dims">Its shape (every dimension at least 1).</param>
/// <param name="Values">Its values, row-major, each in [-7, 7].</param>
public sealed record Int4Tensor(string Name, IReadOnlyList<long> Dims, sbyte[] Values);

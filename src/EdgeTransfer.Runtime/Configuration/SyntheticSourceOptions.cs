namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>source.synthetic</c> section: generated parts with known defects.</summary>
public sealed class SyntheticSourceOptions
{
    /// <summary>The classes to generate (each must be a class of the bundle), or null (default) for all of them.</summary>
    public IReadOnlyList<string>? Classes { get; set; }

    /// <summary>The seed of the generator; the same seed gives the same parts. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Parts per second, above 0 and at most 1000. Default 5.</summary>
    public double Rate { get; set; } = 5;
}

namespace EdgeTransfer.Runtime.Heads;

/// <summary>When a trained head may replace the head in service. Checked by <see cref="QualityGateOptionsValidator"/>.</summary>
public sealed class QualityGateOptions
{
    /// <summary>
    /// How much worse than the head in service a candidate may be and still be promoted: it is promoted when
    /// candidate ≥ current − margin. Default 0 (at least as good). A negative margin demands a real improvement.
    /// </summary>
    public double Margin { get; set; }

    /// <summary>The fewest validation samples a decision may rest on; fewer keeps the head in service. Default 10.</summary>
    public int MinValidationSamples { get; set; } = 10;

    /// <summary>The fewest validation samples every class must have; fewer keeps the head in service. Default 2.</summary>
    public int MinValidationSamplesPerClass { get; set; } = 2;

    /// <summary>Refuse a candidate whose validation accuracy is not above chance (1 / validated classes). On by default.</summary>
    public bool RequireBetterThanChance { get; set; } = true;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => QualityGateOptionsValidator.Validate(this);
}

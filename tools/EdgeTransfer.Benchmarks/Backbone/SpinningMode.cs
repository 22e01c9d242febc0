namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Which settings of ORT's <c>session.intra_op.allow_spinning</c> the backbone benchmark measures.</summary>
public enum SpinningMode
{
    /// <summary>Spinning off (<c>allow_spinning = 0</c>): the SDK's setting, measured faster on the 2-core VM.</summary>
    Off,

    /// <summary>ORT's default (idle pool threads spin).</summary>
    On,

    /// <summary>Both, one after the other.</summary>
    Both,
}

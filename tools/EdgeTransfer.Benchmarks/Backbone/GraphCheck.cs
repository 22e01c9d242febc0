namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>What ORT made of the int8 backbone (level ALL, CPU): the proof that the timed model runs integer kernels.</summary>
/// <param name="IntegerConvolutions">QLinearConv / ConvInteger nodes.</param>
/// <param name="FloatConvolutions">Float Conv / FusedConv nodes left.</param>
/// <param name="DequantizeFeedingConvolutions">DequantizeLinear nodes that feed a float convolution.</param>
public sealed record GraphCheck(int IntegerConvolutions, int FloatConvolutions, int DequantizeFeedingConvolutions)
{
    /// <summary>Whether every convolution runs as an integer kernel.</summary>
    public bool AllConvolutionsInteger => IntegerConvolutions > 0 && FloatConvolutions == 0 && DequantizeFeedingConvolutions == 0;
}

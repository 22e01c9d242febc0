namespace EdgeTransfer.Benchmarks.Numerics;

/// <summary>One source of test-split features against the host float and host INT8 ones, and the head it trains.</summary>
/// <param name="Name">The source (host float, host int8, or a store's name).</param>
/// <param name="ToFloat">Cosine to the host float features, image by image.</param>
/// <param name="ToHostInt8">Cosine to the host INT8 features, image by image.</param>
/// <param name="HeadAccuracy">Test accuracy (0–1) of a linear head trained on this source's train features.</param>
/// <param name="HeadFinalLoss">That head's last-epoch training loss.</param>
public sealed record FeatureSourceResult(string Name, FeatureAgreementFigures ToFloat, FeatureAgreementFigures ToHostInt8, double HeadAccuracy, double HeadFinalLoss);

/// <summary>Mean and lowest cosine similarity over the compared images.</summary>
/// <param name="Mean">The mean cosine.</param>
/// <param name="Min">The lowest cosine of any image.</param>
public sealed record FeatureAgreementFigures(double Mean, double Min);

namespace EdgeTransfer.Runtime.Heads;

/// <summary>How a head did on the validation samples of one class.</summary>
/// <param name="Name">The class name.</param>
/// <param name="Accuracy">The fraction of the class's validation samples classified right (recall), 0 to 1.</param>
/// <param name="Samples">The class's validation samples.</param>
public sealed record ClassMetrics(string Name, double Accuracy, int Samples);

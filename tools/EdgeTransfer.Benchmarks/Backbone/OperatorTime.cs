namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Kernel time of one operator type in a profiled backbone run.</summary>
/// <param name="OpType">The operator ORT ran (after graph optimization: QLinearConv, FusedConv …).</param>
/// <param name="Nodes">How many nodes of that type ran per inference.</param>
/// <param name="MillisecondsPerRun">Summed kernel time per inference.</param>
/// <param name="Share">Share (0–1) of all kernel time.</param>
public sealed record OperatorTime(string OpType, int Nodes, double MillisecondsPerRun, double Share);

namespace EdgeTransfer.Benchmarks.Heads;

/// <summary>One method trained on one draw of k parts per class and measured on the whole test split.</summary>
/// <param name="Method"><c>recipe</c> (the device default), <c>prototype</c>, <c>previous</c> (the device's recipe before issue 13), <c>lr-cv</c>, <c>device</c>.</param>
/// <param name="Backbone"><c>int8</c> or <c>float</c>.</param>
/// <param name="Shots">k, parts per class drawn from train/.</param>
/// <param name="Seed">The draw.</param>
/// <param name="Accuracy">On the test split; NaN when the method refused (reason in <paramref name="Detail"/>).</param>
/// <param name="Seconds">Training (and recipe selection) time.</param>
/// <param name="Detail">What the method chose (recipe, C) or why it refused.</param>
public sealed record HeadsRun(string Method, string Backbone, int Shots, int Seed, double Accuracy, double Seconds, string Detail);

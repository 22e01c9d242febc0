namespace EdgeTransfer.Demo;

/// <summary>The figures the demo ends with.</summary>
public sealed record DemoReport
{
    /// <summary>Accuracy on new parts with the untrained head (the bundle's seeded initial head).</summary>
    public required double AccuracyBefore { get; init; }

    /// <summary>Accuracy on new parts with the promoted head.</summary>
    public required double AccuracyAfter { get; init; }

    /// <summary>How many new parts each accuracy was measured on.</summary>
    public required int EvaluationParts { get; init; }

    /// <summary>Samples the technician labelled.</summary>
    public required int LabelledSamples { get; init; }

    /// <summary>The training outcome and the quality gate's reason.</summary>
    public required string TrainingOutcome { get; init; }

    /// <summary>The head in service at the end.</summary>
    public required string HeadVersion { get; init; }

    /// <summary>Wall time of the training run on the device.</summary>
    public required TimeSpan TrainingTime { get; init; }

    /// <summary>Median ms per image of the float backbone (batch 1, 2 threads).</summary>
    public required double FloatBackboneMs { get; init; }

    /// <summary>Median ms per image of the INT8 backbone (batch 1, 2 threads).</summary>
    public required double Int8BackboneMs { get; init; }

    /// <summary>Wall time of <c>prepare</c>.</summary>
    public required TimeSpan PrepareTime { get; init; }

    /// <summary>Peak resident memory of the whole demo process (device, broker, fleet view, tool).</summary>
    public required long PeakWorkingSetBytes { get; init; }

    /// <summary>MQTT messages the fleet view received from the device.</summary>
    public required long MessagesReceived { get; init; }

    /// <summary>Sequence gaps the fleet view saw (messages lost).</summary>
    public required long SequenceGaps { get; init; }

    /// <summary>Frames the device inspected.</summary>
    public required long FramesInspected { get; init; }

    /// <summary>Whole demo wall time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The normal-only act, or null when it was not run.</summary>
    public AnomalyActReport? Anomaly { get; init; }
}

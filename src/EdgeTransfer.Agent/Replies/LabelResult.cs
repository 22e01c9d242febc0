namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>label</c> reply: the sample stored.</summary>
public sealed record LabelResult
{
    /// <summary>The frame that was labelled.</summary>
    public long FrameId { get; init; }

    /// <summary>The class it was stored as.</summary>
    public string Label { get; init; } = "";

    /// <summary>The store's id of the sample that holds the frame.</summary>
    public long SampleId { get; init; }

    /// <summary>Whether the frame had a sample already and only its label changed (a frame is stored once).</summary>
    public bool Replaced { get; init; }

    /// <summary>Samples in the store now.</summary>
    public int Samples { get; init; }
}

namespace EdgeTransfer.Runtime.Capture;

/// <summary>A frame source changed status.</summary>
public sealed class SourceStatusChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="sourceName">The source.</param>
    /// <param name="previous">The status before.</param>
    /// <param name="current">The status now.</param>
    public SourceStatusChangedEventArgs(string sourceName, SourceStatus previous, SourceStatus current)
    {
        SourceName = sourceName;
        Previous = previous;
        Current = current;
    }

    /// <summary>The source.</summary>
    public string SourceName { get; }

    /// <summary>The status before.</summary>
    public SourceStatus Previous { get; }

    /// <summary>The status now.</summary>
    public SourceStatus Current { get; }
}

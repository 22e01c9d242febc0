namespace EdgeTransfer.Runtime.Storage;

/// <summary>Capacity and file sizes of a <see cref="SampleStore"/>. Checked by <see cref="SampleStoreOptionsValidator"/> when the store opens.</summary>
public sealed class SampleStoreOptions
{
    /// <summary>Live samples kept per class; the oldest of a class is evicted when a new one would exceed it. Default 500.</summary>
    public int MaxPerClass { get; set; } = 500;

    /// <summary>
    /// Bytes of live samples kept in all (features, JPEGs and framing); the oldest samples of any class are
    /// evicted beyond it. Default 256 MiB. Removed samples take disk space until compaction, which runs once
    /// they exceed a quarter of this, so the disk use stays below about 1.25 × this plus one segment.
    /// </summary>
    public long MaxTotalBytes { get; set; } = 256L << 20;

    /// <summary>A segment file is closed and a new one started once it reaches this size. Default 8 MiB.</summary>
    public long SegmentBytes { get; set; } = 8L << 20;

    /// <summary>The largest audit JPEG accepted with a sample. Default 4 MiB.</summary>
    public int MaxJpegBytes { get; set; } = 4 << 20;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => SampleStoreOptionsValidator.Validate(this);
}

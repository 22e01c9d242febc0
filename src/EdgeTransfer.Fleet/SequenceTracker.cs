namespace EdgeTransfer.Fleet;

/// <summary>
/// One device's <c>seq</c> accounting as a consumer sees it: numbers that never arrived (gaps), numbers
/// that arrived twice (QoS 1 redelivery, MQTT 5 §4.3.2) and drops (a reset of the device's state).
/// </summary>
/// <remarks>
/// MQTT orders messages only per topic (§4.6), and a device's seq spans all its topics, so a lower
/// number may legitimately arrive after a higher one: a number is a gap only while it is missing, and
/// a late arrival fills it. The first number seen anchors the count; messages from before we started
/// listening are not ours to miss. Bounded: at most <see cref="MaxTracked"/> missing or recent numbers
/// are remembered; larger holes are counted without being listed.
/// </remarks>
internal sealed class SequenceTracker
{
    /// <summary>The most missing numbers (and recently seen ones) remembered per device.</summary>
    public const int MaxTracked = 4096;

    private readonly HashSet<long> _missing = [];
    private readonly HashSet<long> _recent = [];
    private readonly Queue<long> _recentOrder = new();
    private bool _anchored;
    private long _uncounted;

    /// <summary>The highest seq seen.</summary>
    public long Highest { get; private set; }

    /// <summary>Numbers missing now (holes not filled by late arrivals).</summary>
    public long Gaps => _missing.Count + _uncounted;

    /// <summary>Numbers that arrived more than once.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Times seq went down by more than the reordering window: the device's counter was reset.</summary>
    public long Resets { get; private set; }

    /// <summary>Accounts one live message.</summary>
    /// <param name="seq">Its sequence number.</param>
    public void Observe(long seq)
    {
        if (!_anchored)
        {
            _anchored = true;
            Highest = seq;
            Remember(seq);
            return;
        }

        if (seq > Highest)
        {
            var hole = seq - Highest - 1;
            if (hole > 0 && _missing.Count + hole <= MaxTracked)
            {
                for (var s = Highest + 1; s < seq; s++)
                {
                    _missing.Add(s);
                }
            }
            else
            {
                _uncounted += hole;
            }

            Highest = seq;
            Remember(seq);
        }
        else if (_missing.Remove(seq))
        {
            Remember(seq);
        }
        else if (_recent.Contains(seq))
        {
            Duplicates++;
        }
        else if (seq < Highest - MaxTracked)
        {
            // Far below anything in flight: a restored or replaced device. Start counting afresh.
            Resets++;
            _missing.Clear();
            _uncounted = 0;
            Highest = seq;
            Remember(seq);
        }
    }

    private void Remember(long seq)
    {
        if (_recent.Add(seq))
        {
            _recentOrder.Enqueue(seq);
            if (_recentOrder.Count > MaxTracked)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }
        }
    }
}

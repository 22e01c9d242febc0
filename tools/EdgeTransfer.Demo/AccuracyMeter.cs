using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Demo;

/// <summary>Counts how many inspected parts the head in service got right, against the line's ground truth.</summary>
internal sealed class AccuracyMeter
{
    private readonly Lock _gate = new();
    private readonly int _target;
    private readonly string? _headVersion;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;
    private int _correct;

    public AccuracyMeter(int target, string? headVersion)
    {
        _target = target;
        _headVersion = headVersion;
    }

    public Task Completion => _done.Task;

    public int Seen => Volatile.Read(ref _seen);

    public double Accuracy
    {
        get
        {
            lock (_gate)
            {
                return _seen == 0 ? double.NaN : (double)_correct / _seen;
            }
        }
    }

    public void Observe(object? sender, VerdictEventArgs e)
    {
        var verdict = e.Verdict;
        if (verdict.Label is null || (_headVersion is not null && verdict.HeadVersion != _headVersion))
        {
            return;
        }

        lock (_gate)
        {
            if (_seen >= _target)
            {
                return;
            }

            _seen++;
            if (verdict.ClassName == verdict.Label)
            {
                _correct++;
            }

            if (_seen == _target)
            {
                _done.TrySetResult();
            }
        }
    }
}

using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent.Replies;

/// <summary>
/// The confusion matrices behind the heads this device program promoted, for <c>status</c>: kept in memory per head
/// version of one host (a deployment starts another registry whose numbers mean other heads), so after a restart
/// the matrix is absent until the next promotion (the registry keeps only metrics). Thread-safe.
/// </summary>
internal sealed class HeadValidations
{
    // The console draws at most a 32 × 32 matrix and refuses a status with a bigger one (docs/console.md).
    private const int MaxValidationClasses = 32;

    // More than the registry keeps by default (5): a rollback can only reach a head the registry still has.
    private const int MaxValidations = 8;
    private readonly Lock _validationLock = new();
    private readonly SortedDictionary<int, ValidationReport> _validations = [];
    private DeviceHost? _validationHost;

    /// <summary>Remembers the validation matrix of the head <paramref name="headNumber"/> promoted on <paramref name="host"/>.</summary>
    public void Remember(DeviceHost host, int headNumber, Training.ConfusionMatrix confusion)
    {
        var classes = host.Bundle.Classes;
        if (confusion.ClassCount != classes.Count || classes.Count > MaxValidationClasses)
        {
            return;
        }

        var matrix = new IReadOnlyList<long>[confusion.ClassCount];
        for (var actual = 0; actual < confusion.ClassCount; actual++)
        {
            var row = new long[confusion.ClassCount];
            for (var predicted = 0; predicted < confusion.ClassCount; predicted++)
            {
                row[predicted] = confusion[actual, predicted];
            }

            matrix[actual] = row;
        }

        Store(host, headNumber, new ValidationReport { Classes = [.. classes], Matrix = matrix });
    }

    /// <summary>Gives the copy a rollback made the matrix of the head it restored.</summary>
    public void Copy(DeviceHost host, int fromHead, int toHead)
    {
        if (Of(host, fromHead) is { } report)
        {
            Store(host, toHead, report);
        }
    }

    private void Store(DeviceHost host, int headNumber, ValidationReport report)
    {
        lock (_validationLock)
        {
            if (!ReferenceEquals(_validationHost, host))
            {
                _validations.Clear();
                _validationHost = host;
            }

            _validations[headNumber] = report;
            while (_validations.Count > MaxValidations)
            {
                _validations.Remove(_validations.Keys.First());
            }
        }
    }

    /// <summary>The matrix behind head <paramref name="headNumber"/> of <paramref name="host"/>, or null.</summary>
    public ValidationReport? Of(DeviceHost host, int headNumber)
    {
        lock (_validationLock)
        {
            return ReferenceEquals(_validationHost, host) && _validations.TryGetValue(headNumber, out var report) ? report : null;
        }
    }
}

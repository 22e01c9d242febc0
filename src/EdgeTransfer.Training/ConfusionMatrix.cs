using System.Globalization;
using System.Text;

namespace EdgeTransfer.Training;

/// <summary>Counts of (actual class, predicted class) pairs, with accuracy, recall and precision.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Creates an empty matrix.</summary>
    /// <param name="classCount">C, 1 or more.</param>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ClassCount = classCount;
        _counts = new long[classCount * classCount];
    }

    /// <summary>C.</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>The number of samples predicted correctly.</summary>
    public long Correct { get; private set; }

    /// <summary>Correct / Total (0 when empty).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class.</param>
    /// <param name="predicted">The predicted class.</param>
    public long this[int actual, int predicted] => _counts[Index(actual, predicted)];

    /// <summary>Counts one sample.</summary>
    /// <param name="actual">The true class.</param>
    /// <param name="predicted">The predicted class.</param>
    public void Add(int actual, int predicted)
    {
        _counts[Index(actual, predicted)]++;
        Total++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    /// <summary>Of the samples of <paramref name="cls"/>, the share predicted as <paramref name="cls"/> (NaN if there are none).</summary>
    /// <param name="cls">The class.</param>
    public double Recall(int cls)
    {
        long row = 0;
        for (var p = 0; p < ClassCount; p++)
        {
            row += this[cls, p];
        }

        return row == 0 ? double.NaN : (double)this[cls, cls] / row;
    }

    /// <summary>Of the samples predicted as <paramref name="cls"/>, the share that are <paramref name="cls"/> (NaN if there are none).</summary>
    /// <param name="cls">The class.</param>
    public double Precision(int cls)
    {
        long column = 0;
        for (var a = 0; a < ClassCount; a++)
        {
            column += this[a, cls];
        }

        return column == 0 ? double.NaN : (double)this[cls, cls] / column;
    }

    /// <summary>The matrix as text, one line per actual class.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"accuracy {Accuracy:P2} ({Correct}/{Total}); rows = actual, columns = predicted");
        for (var a = 0; a < ClassCount; a++)
        {
            sb.AppendLine();
            for (var p = 0; p < ClassCount; p++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{this[a, p],8}");
            }
        }

        return sb.ToString();
    }

    private int Index(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, ClassCount);
        return (actual * ClassCount) + predicted;
    }
}

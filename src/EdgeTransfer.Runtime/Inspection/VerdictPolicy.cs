using System.Globalization;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// Turns class probabilities into a verdict with per-class thresholds (the <c>inspection</c> section of
/// <c>device.json</c>):
/// <list type="number">
/// <item>a defect class whose probability is at least its threshold makes the part a <see cref="VerdictOutcome.Defect"/>
/// (of several, the most probable; ties go to the first class);</item>
/// <item>otherwise the part is <see cref="VerdictOutcome.Good"/> when the passing (non-defect) classes together
/// have at least <see cref="MinimumPassConfidence"/>;</item>
/// <item>otherwise it is <see cref="VerdictOutcome.Uncertain"/>, and <see cref="UncertainAction"/> says whether it is rejected.</item>
/// </list>
/// A sorting line sets <c>defectClasses</c> to an empty list: every class passes and the verdict names the most
/// probable class.
/// </summary>
/// <remarks>
/// With the default <see cref="MinimumPassConfidence"/> of 0 nothing is uncertain: "no defect class clears its
/// threshold" means good, as <c>device.json</c> documents. A probability vector with a NaN is never good: NaN
/// clears no threshold and makes the pass probability NaN, so the part is uncertain. Immutable, thread-safe,
/// and <see cref="Decide"/> allocates nothing.
/// </remarks>
public sealed class VerdictPolicy
{
    private readonly bool[] _isDefect;
    private readonly double[] _thresholds;

    /// <summary>Creates the policy for a bundle's classes.</summary>
    /// <param name="classes">The bundle's class names, in head output order.</param>
    /// <param name="options">The <c>inspection</c> section; defaults when null (good class <c>good</c>, every other class a defect at 0.5).</param>
    /// <param name="minimumPassConfidence">The probability, 0 to 1, the passing classes need together for a good verdict when no defect clears its threshold. Default 0.</param>
    /// <param name="uncertainAction">What happens to an uncertain part. Default reject.</param>
    /// <exception cref="InvalidSettingException">A class name is not a class of the bundle, or a value is out of range.</exception>
    public VerdictPolicy(IReadOnlyList<string> classes, InspectionOptions? options = null, double minimumPassConfidence = 0, UncertainAction uncertainAction = UncertainAction.Reject)
    {
        ArgumentNullException.ThrowIfNull(classes);
        options ??= new InspectionOptions();
        if (classes.Count < 2)
        {
            throw new InvalidSettingException("classes", $"a verdict needs at least 2 classes, got {classes.Count}.");
        }

        if (!double.IsFinite(minimumPassConfidence) || minimumPassConfidence is < 0 or > 1)
        {
            throw new InvalidSettingException("inspection.minimumPassConfidence", string.Create(CultureInfo.InvariantCulture, $"expected a probability from 0 to 1, got {minimumPassConfidence}."));
        }

        if (!Enum.IsDefined(uncertainAction))
        {
            throw new InvalidSettingException("inspection.uncertainAction", $"expected \"reject\" or \"pass\", got {uncertainAction}.");
        }

        Classes = [.. classes];

        // A sorting line (`defectClasses: []`) rejects nothing, so its good class only matters if the bundle has one.
        var sorting = options.DefectClasses is { Count: 0 };
        GoodClassIndex = sorting ? Find(options.GoodClass) : IndexOf(options.GoodClass, "inspection.goodClass");
        _isDefect = new bool[classes.Count];
        if (options.DefectClasses is { } defects)
        {
            for (var i = 0; i < defects.Count; i++)
            {
                _isDefect[IndexOf(defects[i], string.Create(CultureInfo.InvariantCulture, $"inspection.defectClasses[{i}]"))] = true;
            }
        }
        else
        {
            // Not configured: every class but the good one rejects.
            Array.Fill(_isDefect, true);
            _isDefect[GoodClassIndex] = false;
        }

        if (GoodClassIndex >= 0 && _isDefect[GoodClassIndex])
        {
            throw new InvalidSettingException("inspection.defectClasses", $"expected defect classes only, but it lists \"{options.GoodClass}\", the good class.");
        }

        _thresholds = new double[classes.Count];
        CheckProbability(options.DefaultThreshold, "inspection.defaultThreshold");
        Array.Fill(_thresholds, options.DefaultThreshold);
        foreach (var (name, threshold) in options.Thresholds)
        {
            var key = $"inspection.thresholds.{name}";
            var index = IndexOf(name, key);
            CheckProbability(threshold, key);
            if (!_isDefect[index])
            {
                throw new InvalidSettingException(key, $"expected thresholds for defect classes only; \"{name}\" is not a defect class and never rejects a part.");
            }

            _thresholds[index] = threshold;
        }

        for (var c = 0; c < _thresholds.Length; c++)
        {
            if (!_isDefect[c])
            {
                _thresholds[c] = double.PositiveInfinity;
            }
        }

        MinimumPassConfidence = minimumPassConfidence;
        UncertainAction = uncertainAction;
    }

    /// <summary>The class names, in head output order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The index of the good class; -1 on a sorting line (no defect classes) whose bundle has no such class.</summary>
    public int GoodClassIndex { get; }

    /// <summary>The probability the passing classes need together for a good verdict.</summary>
    public double MinimumPassConfidence { get; }

    /// <summary>What happens to an uncertain part.</summary>
    public UncertainAction UncertainAction { get; }

    /// <summary>Whether class <paramref name="classIndex"/> rejects a part.</summary>
    /// <param name="classIndex">The class index.</param>
    public bool IsDefectClass(int classIndex) => _isDefect[classIndex];

    /// <summary>The threshold of class <paramref name="classIndex"/>; +∞ for a passing class.</summary>
    /// <param name="classIndex">The class index.</param>
    public double Threshold(int classIndex) => _thresholds[classIndex];

    /// <summary>Decides on one probability vector.</summary>
    /// <param name="probabilities">One probability per class, in head output order.</param>
    /// <returns>The decision.</returns>
    public VerdictDecision Decide(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != _isDefect.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {_isDefect.Length} probabilities, got {probabilities.Length}."), nameof(probabilities));
        }

        var defect = -1;
        var pass = -1;
        var top = 0;
        var passProbability = 0.0;
        for (var c = 0; c < probabilities.Length; c++)
        {
            var p = probabilities[c];
            if (!(probabilities[top] >= p))
            {
                top = c;
            }

            if (_isDefect[c])
            {
                if (p >= _thresholds[c] && (defect < 0 || p > probabilities[defect]))
                {
                    defect = c;
                }
            }
            else
            {
                passProbability += p;
                if (pass < 0 || p > probabilities[pass])
                {
                    pass = c;
                }
            }
        }

        if (defect >= 0)
        {
            return new VerdictDecision(VerdictOutcome.Defect, defect, probabilities[defect], Rejects: true);
        }

        // `>=` is false for NaN: a vector with a NaN is never good.
        if (passProbability >= MinimumPassConfidence)
        {
            return new VerdictDecision(VerdictOutcome.Good, pass, probabilities[pass], Rejects: false);
        }

        return new VerdictDecision(VerdictOutcome.Uncertain, top, probabilities[top], UncertainAction == UncertainAction.Reject);
    }

    private static void CheckProbability(double value, string key)
    {
        if (!double.IsFinite(value) || value is < 0 or > 1)
        {
            throw new InvalidSettingException(key, string.Create(CultureInfo.InvariantCulture, $"expected a probability from 0 to 1, got {value}."));
        }
    }

    private int Find(string name)
    {
        for (var i = 0; i < Classes.Count; i++)
        {
            if (string.Equals(Classes[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private int IndexOf(string name, string key)
    {
        var index = Find(name);
        if (index >= 0)
        {
            return index;
        }

        throw new InvalidSettingException(key, $"expected a class of the bundle ({string.Join(", ", Classes)}), got \"{name}\".");
    }
}

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>
/// What the inspection policy would have done with the evaluated parts, split by what they truly are: a part
/// of a passing class that is rejected is a false reject, a part of a defect class that passes is an escape.
/// </summary>
/// <remarks>
/// An uncertain verdict counts as rejected or passed according to the policy's uncertain action, and is also
/// counted in <see cref="Uncertain"/>.
/// </remarks>
/// <param name="GoodParts">Parts of a passing class.</param>
/// <param name="Passed">Parts of a passing class that pass.</param>
/// <param name="FalseRejects">Parts of a passing class that are rejected.</param>
/// <param name="DefectiveParts">Parts of a defect class.</param>
/// <param name="Rejected">Parts of a defect class that are rejected.</param>
/// <param name="Escapes">Parts of a defect class that pass.</param>
/// <param name="Uncertain">Parts whose verdict is uncertain, of any class.</param>
public sealed record VerdictCounts(int GoodParts, int Passed, int FalseRejects, int DefectiveParts, int Rejected, int Escapes, int Uncertain)
{
    /// <summary>False rejects per good part, 0 to 1; null without good parts.</summary>
    public double? FalseRejectRate => GoodParts == 0 ? null : (double)FalseRejects / GoodParts;

    /// <summary>Escapes per defective part, 0 to 1; null without defective parts.</summary>
    public double? EscapeRate => DefectiveParts == 0 ? null : (double)Escapes / DefectiveParts;
}

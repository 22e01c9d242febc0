using System.Globalization;

using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Onnx.Heads;

/// <summary>
/// What head to train on top of the frozen backbone: <c>linear</c>, or <c>mlp:&lt;hidden&gt;</c> with a
/// ReLU hidden layer. The text form is the one of the <c>--head</c> option and of the manifest.
/// </summary>
public sealed record HeadArchitecture
{
    /// <summary>The largest hidden width accepted; wider heads do not fit the devices we ship to.</summary>
    public const int MaxHidden = 65536;

    private HeadArchitecture(HeadKind kind, int hidden)
    {
        Kind = kind;
        Hidden = hidden;
    }

    /// <summary>The single-layer head.</summary>
    public static HeadArchitecture Linear { get; } = new(HeadKind.Linear, 0);

    /// <summary>The architecture.</summary>
    public HeadKind Kind { get; }

    /// <summary>The hidden width of an MLP head; 0 for a linear head.</summary>
    public int Hidden { get; }

    /// <summary>An MLP head with <paramref name="hidden"/> ReLU units.</summary>
    /// <param name="hidden">The hidden width, 1 to <see cref="MaxHidden"/>.</param>
    /// <exception cref="InvalidSettingException">The width is out of range.</exception>
    public static HeadArchitecture Mlp(int hidden)
    {
        if (hidden < 1 || hidden > MaxHidden)
        {
            throw new InvalidSettingException("--head", $"the hidden width of an mlp head must be 1 to {MaxHidden}; got {hidden}.");
        }

        return new HeadArchitecture(HeadKind.Mlp, hidden);
    }

    /// <summary>Reads <c>linear</c> or <c>mlp:&lt;hidden&gt;</c> (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="text">The text of the <c>--head</c> option.</param>
    /// <exception cref="InvalidSettingException">The text is not a head specification; the message names <c>--head</c>.</exception>
    public static HeadArchitecture Parse(string? text)
    {
        var t = text?.Trim() ?? string.Empty;
        if (t.Equals("linear", StringComparison.OrdinalIgnoreCase))
        {
            return Linear;
        }

        const string prefix = "mlp:";
        if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var width = t[prefix.Length..].Trim();
            if (int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var hidden))
            {
                return Mlp(hidden);
            }

            throw new InvalidSettingException("--head", $"'{text}' has no valid hidden width after 'mlp:'; write a whole number, e.g. 'mlp:256'.");
        }

        throw new InvalidSettingException("--head", $"'{text}' is not a head; use 'linear' or 'mlp:<hidden>' (e.g. 'mlp:256').");
    }

    /// <summary>The parameters of this head, in graph input order (docs/bundle.md, "Head parameters").</summary>
    /// <param name="featureSize">D, the backbone's feature size.</param>
    /// <param name="classCount">C, the number of classes (2 or more).</param>
    public IReadOnlyList<HeadParameter> Parameters(int featureSize, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        return Kind == HeadKind.Linear
            ?
            [
                new HeadParameter(HeadParameterNames.Weight, [featureSize, classCount]),
                new HeadParameter(HeadParameterNames.Bias, [classCount]),
            ]
            :
            [
                new HeadParameter(HeadParameterNames.Fc1Weight, [featureSize, Hidden]),
                new HeadParameter(HeadParameterNames.Fc1Bias, [Hidden]),
                new HeadParameter(HeadParameterNames.Fc2Weight, [Hidden, classCount]),
                new HeadParameter(HeadParameterNames.Fc2Bias, [classCount]),
            ];
    }

    /// <summary>The text form: <c>linear</c> or <c>mlp:&lt;hidden&gt;</c>.</summary>
    public override string ToString() =>
        Kind == HeadKind.Linear ? "linear" : string.Create(CultureInfo.InvariantCulture, $"mlp:{Hidden}");
}

namespace EdgeTransfer.Onnx.Heads;

/// <summary>The parameter names of the contract (docs/bundle.md, "Head parameters").</summary>
public static class HeadParameterNames
{
    /// <summary>Linear head weight [D,C].</summary>
    public const string Weight = "head.weight";

    /// <summary>Linear head bias [C].</summary>
    public const string Bias = "head.bias";

    /// <summary>MLP first layer weight [D,H].</summary>
    public const string Fc1Weight = "head.fc1.weight";

    /// <summary>MLP first layer bias [H].</summary>
    public const string Fc1Bias = "head.fc1.bias";

    /// <summary>MLP second layer weight [H,C].</summary>
    public const string Fc2Weight = "head.fc2.weight";

    /// <summary>MLP second layer bias [C].</summary>
    public const string Fc2Bias = "head.fc2.bias";
}

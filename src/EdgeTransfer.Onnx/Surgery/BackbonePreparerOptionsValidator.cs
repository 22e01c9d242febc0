namespace EdgeTransfer.Onnx.Surgery;

/// <summary>Checks <see cref="BackbonePreparerOptions"/> before any work starts.</summary>
internal static class BackbonePreparerOptionsValidator
{
    public static void Validate(BackbonePreparerOptions options)
    {
        if (options.TargetOpset is < 13 or > OpsetUpgrader.MaxTargetOpset)
        {
            // 13 is the floor of the bundle contract: Squeeze/Unsqueeze/Split take axes as inputs from there on.
            throw new InvalidSettingException("target opset", $"{options.TargetOpset} is not supported; use a version from 13 to {OpsetUpgrader.MaxTargetOpset}.");
        }

        if (string.IsNullOrWhiteSpace(options.FeatureOutputName))
        {
            throw new InvalidSettingException("feature output name", "it is empty; give the name of the feature tensor (the bundle format uses \"features\").");
        }

        if (string.IsNullOrWhiteSpace(options.BatchDimensionName))
        {
            throw new InvalidSettingException("batch dimension name", "it is empty; give a symbolic name such as \"N\".");
        }

        if (options.CutTensor is { } cut && cut.Trim().Length != cut.Length)
        {
            throw new InvalidSettingException("cut tensor", $"'{cut}' has leading or trailing spaces; ONNX tensor names are matched exactly.");
        }
    }
}

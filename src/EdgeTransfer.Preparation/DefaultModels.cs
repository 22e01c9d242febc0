namespace EdgeTransfer.Preparation;

/// <summary>Where the embedded default model (the NuGet ResNet18) is found at run time.</summary>
/// <remarks>
/// The build copies the weights beside the program (models/resnet18.targets); a checkout also has them
/// under <c>models/resnet18/</c> once built. Nothing is ever downloaded at run time.
/// </remarks>
public static class DefaultModels
{
    /// <summary>The folder with ResNet18.onnx, ResNetPreprocess.onnx and spec.json.</summary>
    /// <exception cref="ModelFormatException">The weights are not there (the project was not built).</exception>
    public static string ResNet18Directory()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "models", "resnet18");
        if (File.Exists(Path.Combine(beside, "ResNet18.onnx")) && File.Exists(Path.Combine(beside, "spec.json")))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "resnet18");
            if (File.Exists(Path.Combine(candidate, "ResNet18.onnx")) && File.Exists(Path.Combine(candidate, "spec.json")))
            {
                return candidate;
            }
        }

        throw new ModelFormatException(
            Path.Combine(beside, "ResNet18.onnx"),
            "the embedded ResNet18 is not there; build the tool ('dotnet build tools/EdgeTransfer.Cli') so the models step copies it from the NuGet package, or pass --model.");
    }
}

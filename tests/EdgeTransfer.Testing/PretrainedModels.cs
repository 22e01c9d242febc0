namespace EdgeTransfer.Testing;

/// <summary>Where the build step put the pretrained ResNet18 (see models/resnet18.targets).</summary>
public static class PretrainedModels
{
    /// <summary>The directory with ResNet18.onnx, ResNetPreprocess.onnx and the committed spec.</summary>
    public static string ResNet18Directory => LazyDirectory.Value;

    /// <summary>The original ResNet18 (opset 8, batch 1, BatchNormalization not folded).</summary>
    public static string ResNet18 => Path.Combine(ResNet18Directory, "ResNet18.onnx");

    /// <summary>The ML.NET preprocessing graph (RGB→BGR, minus the mean image).</summary>
    public static string ResNetPreprocess => Path.Combine(ResNet18Directory, "ResNetPreprocess.onnx");

    /// <summary>The committed preprocessing spec of the ResNet18, in the repository's models/ folder.</summary>
    public static string ResNet18Spec => Path.Combine(RepositoryRoot, "models", "resnet18", "spec.json");

    /// <summary>The repository root (the folder with EdgeTransfer.sln).</summary>
    public static string RepositoryRoot => LazyRoot.Value;

    // Lazy, so that a test that needs only the repository root works without the model build step.
    private static readonly Lazy<string> LazyRoot = new(() => FindUp("EdgeTransfer.sln")
        ?? throw new InvalidOperationException("Tests must run inside the repository (EdgeTransfer.sln not found above " + AppContext.BaseDirectory + ")."));

    private static readonly Lazy<string> LazyDirectory = new(Locate);

    private static string Locate()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "models", "resnet18");
        if (File.Exists(Path.Combine(beside, "ResNet18.onnx")))
        {
            return beside;
        }

        var inRepo = Path.Combine(RepositoryRoot, "models", "resnet18");
        return File.Exists(Path.Combine(inRepo, "ResNet18.onnx"))
            ? inRepo
            : throw new InvalidOperationException("ResNet18.onnx is missing: build the test project (the models build step copies it from the NuGet package).");
    }

    private static string? FindUp(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, file)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

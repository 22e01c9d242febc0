// EdgeTransfer build script (Cake 7): `dotnet tool restore && dotnet cake --target=<task>`.

//////////////////////////////////////////////////////////////////////
// ARGUMENTS
//////////////////////////////////////////////////////////////////////

var target = Argument("target", "test");
var configuration = Argument("configuration", "Release");
var bundleClasses = Argument("classes", "good,scratch,dent,stain");

//////////////////////////////////////////////////////////////////////
// SETUP
//////////////////////////////////////////////////////////////////////

var solution = File("./EdgeTransfer.sln");
var cli = File("./tools/EdgeTransfer.Cli/EdgeTransfer.Cli.csproj");
var artifacts = Directory("./artifacts");

Setup(context =>
{
    Information("EdgeTransfer {0} build, target {1}", configuration, target);
    EnsureDirectoryExists(artifacts);
});

//////////////////////////////////////////////////////////////////////
// TASKS
//////////////////////////////////////////////////////////////////////

Task("clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

Task("build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("models")
    .Description("Fetches the pretrained ResNet18 (NuGet PackageDownload) into models/resnet18/.")
    .Does(() =>
{
    DotNetBuild(cli, new DotNetBuildSettings { Configuration = configuration });
    if (!FileExists("./models/resnet18/ResNet18.onnx"))
    {
        throw new CakeException("models/resnet18/ResNet18.onnx is missing after the build; see models/resnet18.targets.");
    }
});

Task("test")
    .IsDependentOn("build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true });
});

Task("bundle")
    .Description("Prepares the default bundle (ResNet18, embedded spec) into artifacts/bundle.")
    .IsDependentOn("models")
    .Does(() =>
{
    DotNetRun(cli, new ProcessArgumentBuilder()
        .Append("prepare")
        .Append("--classes").Append(bundleClasses)
        .Append("--out").AppendQuoted(MakeAbsolute(artifacts + Directory("bundle")).FullPath)
        .Append("--force"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

//////////////////////////////////////////////////////////////////////
// TARGETS
//////////////////////////////////////////////////////////////////////

Task("default").IsDependentOn("test");

RunTarget(target);

using System.CommandLine;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer synth</c>: seeded synthetic inspection parts as an ImageFolder tree.</summary>
internal static class SynthCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder to write <class>/*.png into.", Required = true };
        var classes = new Option<string>("--classes", "-c")
        {
            Description = $"Comma-separated defect classes, from: {string.Join(", ", SyntheticPartGenerator.DefectClasses)}.",
            DefaultValueFactory = _ => "good,scratch,dent,stain",
        };
        var perClass = new Option<int>("--per-class", "-n") { Description = "Images per class.", DefaultValueFactory = _ => 50 };
        var test = new Option<int>("--test-per-class") { Description = "When set, write train/ and test/ splits with this many test images per class." };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 224 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed writes the same images.", DefaultValueFactory = _ => 1 };
        var command = new Command("synth", "Write seeded synthetic inspection parts (textured surfaces with scratches, dents, stains, holes) as an ImageFolder tree.")
        {
            output, classes, perClass, test, size, seed,
        };
        command.SetAction(parse =>
        {
            var names = SyntheticPartGenerator.ParseClasses(parse.GetValue(classes)!);
            var testPerClass = parse.GetValue(test);
            var summary = testPerClass > 0
                ? SyntheticDataset.WriteSplit(parse.GetValue(output)!, names, parse.GetValue(perClass), testPerClass, parse.GetValue(size), parse.GetValue(seed))
                : SyntheticDataset.Write(parse.GetValue(output)!, names, parse.GetValue(perClass), parse.GetValue(size), parse.GetValue(seed));
            console.Out.WriteLine($"wrote      {summary.Files.Count} images of {string.Join(", ", summary.Classes)} → {summary.Directory}");
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer synth</c>: seeded synthetic inspection parts as an ImageFolder tree or one MVTec AD category.</summary>
internal static class SynthCommand
{
    private const string ImageFolderLayout = "imagefolder";
    private const string MvtecLayout = "mvtec";

    public static Command Create(CliConsole console)
    {
        var mvtecDefaults = new SyntheticMvtecOptions();
        var output = new Option<string>("--out", "-o") { Description = "Folder to write into (<class>/*.png, or <category>/ in the mvtec layout).", Required = true };
        var layout = new Option<string>("--layout")
        {
            Description = $"'{ImageFolderLayout}' (<class>/*.png) or '{MvtecLayout}' (MVTec AD: <category>/train/good, test/<defect>, ground_truth/<defect>/<name>_mask.png with exact masks).",
            DefaultValueFactory = _ => ImageFolderLayout,
        };

        // Not AcceptOnlyFromAmong: its message does not name the option.
        layout.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not (ImageFolderLayout or MvtecLayout))
            {
                result.AddError($"--layout: expected '{ImageFolderLayout}' or '{MvtecLayout}', got '{value}'.");
            }
        });
        var classes = new Option<string>("--classes", "-c")
        {
            Description = $"Comma-separated defect classes, from: {string.Join(", ", SyntheticPartGenerator.DefectClasses)} (default good,scratch,dent,stain). In the mvtec layout the defect kinds of the test parts (all by default).",
        };
        var perClass = new Option<int>("--per-class", "-n") { Description = "Images per class.", DefaultValueFactory = _ => 50 };
        var test = new Option<int>("--test-per-class") { Description = "When set, write train/ and test/ splits with this many test images per class." };
        var category = new Option<string>("--category") { Description = "mvtec layout: the category folder's name.", DefaultValueFactory = _ => mvtecDefaults.Category };
        var trainGood = new Option<int>("--train-good") { Description = "mvtec layout: good training parts.", DefaultValueFactory = _ => mvtecDefaults.TrainGood };
        var testGood = new Option<int>("--test-good") { Description = "mvtec layout: good test parts.", DefaultValueFactory = _ => mvtecDefaults.TestGood };
        var perDefect = new Option<int>("--test-per-defect") { Description = "mvtec layout: test parts per defect kind.", DefaultValueFactory = _ => mvtecDefaults.TestPerDefect };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 224 };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed writes the same images.", DefaultValueFactory = _ => 1 };
        var command = new Command("synth", "Write seeded synthetic inspection parts (textured surfaces with scratches, dents, stains, holes) as an ImageFolder tree or an MVTec AD category.")
        {
            output, layout, classes, perClass, test, category, trainGood, testGood, perDefect, size, seed,
        };
        command.SetAction(parse =>
        {
            var classList = parse.GetValue(classes);
            if (parse.GetValue(layout) == MvtecLayout)
            {
                var options = new SyntheticMvtecOptions
                {
                    Category = parse.GetValue(category)!,
                    Defects = classList is null ? mvtecDefaults.Defects : SyntheticPartGenerator.ParseClasses(classList),
                    TrainGood = parse.GetValue(trainGood),
                    TestGood = parse.GetValue(testGood),
                    TestPerDefect = parse.GetValue(perDefect),
                    Size = parse.GetValue(size),
                    Seed = parse.GetValue(seed),
                };
                var written = SyntheticMvtecDataset.Write(parse.GetValue(output)!, options);
                console.Out.WriteLine($"wrote      {written.Images.Count} images and {written.Masks.Count} masks of {string.Join(", ", written.Defects)} (mvtec layout) → {written.Directory}");
                return ExitCodes.Success;
            }

            var names = SyntheticPartGenerator.ParseClasses(classList ?? "good,scratch,dent,stain");
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

using System.CommandLine;
using EdgeTransfer.Artifacts.Bundles;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer bundle verify|pack|unpack</c>.</summary>
internal static class BundleCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bundle", "Verify, pack and unpack bundles.");
        command.Add(Verify(console));
        command.Add(Pack(console));
        command.Add(Unpack(console));
        return command;
    }

    private static Command Verify(CliConsole console)
    {
        var directory = new Argument<string>("dir") { Description = "The bundle directory." };
        var command = new Command("verify", "Check a bundle's manifest and the sha256 of every file; names the first file that does not match.") { directory };
        command.SetAction(parse =>
        {
            var bundle = BundleReader.Open(parse.GetValue(directory)!);
            var manifest = bundle.Manifest;
            console.Out.WriteLine($"ok         {manifest.BundleId} (format {manifest.FormatVersion}, created {manifest.CreatedAt:u})");
            console.Out.WriteLine($"classes    {string.Join(", ", manifest.Classes)}");
            console.Out.WriteLine($"head       {manifest.Head.Kind} {(manifest.Head.Hidden > 0 ? manifest.Head.Hidden.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)} on {manifest.Features.Size} features, optimizer {manifest.Optimizer.Kind}");
            foreach (var file in manifest.Files)
            {
                console.Out.WriteLine($"  {file.Path,-20} {file.Role,-16} {file.Bytes,12:N0} B  sha256 {file.Sha256[..16]}… ok");
            }

            foreach (var warning in bundle.Warnings)
            {
                console.Error.WriteLine($"warning: {warning}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Pack(CliConsole console)
    {
        var directory = new Argument<string>("dir") { Description = "The bundle directory (verified first)." };
        var archive = new Argument<string>("archive") { Description = "The .tar.gz to write." };
        var command = new Command("pack", "Verify a bundle and write it as one .tar.gz archive for shipping.") { directory, archive };
        command.SetAction(parse =>
        {
            BundleArchive.Pack(parse.GetValue(directory)!, parse.GetValue(archive)!);
            console.Out.WriteLine($"packed     {parse.GetValue(archive)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Unpack(CliConsole console)
    {
        var archive = new Argument<string>("archive") { Description = "The .tar.gz bundle archive." };
        var directory = new Argument<string>("dir") { Description = "The directory to create." };
        var force = new Option<bool>("--force") { Description = "Replace an existing bundle at dir." };
        var command = new Command("unpack", "Unpack a bundle archive, refusing entries that escape the directory, and verify it.") { archive, directory, force };
        command.SetAction(parse =>
        {
            var bundle = BundleArchive.Unpack(parse.GetValue(archive)!, parse.GetValue(directory)!, parse.GetValue(force));
            console.Out.WriteLine($"unpacked   {bundle.Manifest.BundleId} → {bundle.DirectoryPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.Globalization;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Agent.Anomaly;

/// <summary>
/// The checks a <c>fit</c> request passes before a fit starts: the configured folders exist and hold enough good
/// images. Each failure is a <c>failed</c> reply that names the folder and what to do; nothing is fitted.
/// </summary>
internal static class FitImages
{
    /// <summary>Lists the configured folders (no image is decoded yet).</summary>
    /// <param name="options">The <c>inspection.anomaly</c> section.</param>
    /// <param name="withDefects">Whether the configured defect images are to be scored.</param>
    /// <exception cref="CommandException">No folder, no or too few good images, or only defects.</exception>
    public static (string GoodFolder, int Good, string? DefectFolder, int Defects) Check(AnomalyInspectionOptions options, bool withDefects)
    {
        var goodFolder = options.GoodImages
            ?? throw Failed("inspection.anomaly.goodImages is not set in device.json, so the device has no good images to fit on. Set it to a folder of good images (or an MVTec AD category) on the device; a command never names a path. Nothing was changed.");
        var defectFolder = withDefects ? options.DefectImages : null;
        var defects = defectFolder is null ? 0 : CountDefects(defectFolder);
        int good;
        try
        {
            good = AnomalyImageFolders.OpenGood(goodFolder).Entries.Count;
        }
        catch (ImageDatasetException ex)
        {
            throw defects > 0 && Directory.Exists(goodFolder) && !Directory.EnumerateFileSystemEntries(goodFolder).Any()
                ? Failed(string.Create(CultureInfo.InvariantCulture, $"There are only defect images ({defects} in inspection.anomaly.defectImages) and no good image in '{goodFolder}'; the anomaly model is fitted on good parts only. Put good images there. Nothing was changed."))
                : Failed($"{ex.Message} Nothing was changed.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed($"The good images folder '{goodFolder}' cannot be read: {ex.Message} Nothing was changed.");
        }

        var minimum = options.MinGoodParts;
        if (good < minimum)
        {
            var why = minimum > new AnomalyFitOptions().MinGoodSamples
                ? "inspection.anomaly.minGoodParts in device.json"
                : "they build the memory bank, and a share held out, or with few images each image against the others, sets the threshold";
            throw Failed(string.Create(CultureInfo.InvariantCulture, $"There {(good == 1 ? "is only 1 good image" : $"are only {good} good images")} in '{goodFolder}'; the anomaly model needs at least {minimum} ({why}). Put more good images there. Nothing was changed."));
        }

        return (goodFolder, good, defects > 0 ? defectFolder : null, defects);
    }

    private static int CountDefects(string folder)
    {
        try
        {
            return AnomalyImageFolders.OpenDefects(folder).Entries.Count(e => e.ClassName != "good");
        }
        catch (ImageDatasetException ex)
        {
            throw Failed($"{ex.Message} (inspection.anomaly.defectImages; send \"defects\": false to fit without them). Nothing was changed.");
        }
    }

    private static CommandException Failed(string message) => new(CommandErrorCodes.Failed, null, message);
}

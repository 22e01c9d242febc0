using EdgeTransfer.Imaging.Datasets;

namespace EdgeTransfer.Runtime.Anomaly.OnDevice;

/// <summary>Finds the images a fit reads: good parts from a flat folder or an MVTec AD category, defects from any folder.</summary>
public static class AnomalyImageFolders
{
    /// <summary>
    /// The good images: <paramref name="folder"/> itself when it is a flat folder of images, or its
    /// <c>train/good</c> when it is an MVTec AD category (<c>&lt;category&gt;/train/good</c>).
    /// </summary>
    /// <param name="folder">A flat folder of good images, an MVTec category, or a category's <c>train/good</c>.</param>
    /// <exception cref="ImageDatasetException">The folder is missing, empty, or holds sub-folders of another layout.</exception>
    public static ImageFolderDataset OpenGood(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var mvtec = Path.Combine(folder, "train", "good");
        var dataset = ImageFolderDataset.Open(Directory.Exists(mvtec) ? mvtec : folder);
        return dataset.IsFlat
            ? dataset
            : throw new ImageDatasetException(dataset.Directory, $"it has sub-folders ({string.Join(", ", dataset.ClassNames)}); give a flat folder of good images, or an MVTec AD category (with train/good).");
    }

    /// <summary>
    /// The defect images: every image under <paramref name="folder"/>, flat or in sub-folders (one per defect
    /// kind, as in an MVTec category's <c>test</c>), except a sub-folder named <c>good</c>.
    /// </summary>
    /// <param name="folder">The defects folder.</param>
    /// <exception cref="ImageDatasetException">The folder is missing or holds no defect image.</exception>
    public static ImageFolderDataset OpenDefects(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var dataset = ImageFolderDataset.Open(folder);
        return dataset.IsFlat || dataset.ClassNames.Any(c => c != "good")
            ? dataset
            : throw new ImageDatasetException(dataset.Directory, "it holds only a 'good' folder; give images of defects.");
    }
}

using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Surgery;
using EdgeTransfer.Quantization.Calibration;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;
using Google.Protobuf;

namespace EdgeTransfer.Quantization.Tests;

/// <summary>
/// The prepared ResNet18 backbone (BN folded, symbolic batch, features [N,512]) quantized once for all
/// ResNet18 tests: calibrated on synthetic inspection images, written to a temporary folder.
/// </summary>
public sealed class ResNet18Fixture : IDisposable
{
    public const int ImageSize = 224;
    public const int CalibrationImages = 32;

    // Channel means of ResNetPreprocess.onnx's mean image, in its B, G, R order (ImagePreprocessorTests measures them).
    private static readonly float[] BgrMeans = [103.06f, 115.90f, 123.15f];

    private readonly TempDirectory _directory = new();

    public ResNet18Fixture()
    {
        var prepared = new BackbonePreparer().Prepare(PretrainedModels.ResNet18);
        FloatModel = prepared.Model;
        InputName = prepared.InputName;
        FloatPath = _directory.Combine("backbone.onnx");
        File.WriteAllBytes(FloatPath, FloatModel.ToByteArray());

        Result = StaticQuantizer.Quantize(FloatModel, Batches(CalibrationImages, 8, firstIndex: 0));
        QuantizedModel = Result.Quantization.Model;
        QuantizedPath = _directory.Combine("backbone.int8.onnx");
        File.WriteAllBytes(QuantizedPath, QuantizedModel.ToByteArray());
    }

    public ModelProto FloatModel { get; }

    public ModelProto QuantizedModel { get; }

    public string InputName { get; }

    public string FloatPath { get; }

    public string QuantizedPath { get; }

    public StaticQuantizationResult Result { get; }

    public string Combine(string name) => _directory.Combine(name);

    /// <summary>Synthetic parts of every class, preprocessed as ResNet18 wants: planar BGR, 0–255 minus the channel mean.</summary>
    public static IEnumerable<CalibrationBatch> Batches(int images, int batchSize, int firstIndex)
    {
        var generator = new SyntheticPartGenerator(seed: 42);
        var classes = SyntheticPartGenerator.DefectClasses;
        var rgb = new byte[ImageSize * ImageSize * 3];
        const int plane = ImageSize * ImageSize;
        for (var start = 0; start < images; start += batchSize)
        {
            var n = Math.Min(batchSize, images - start);
            var data = new float[n * 3 * plane];
            for (var i = 0; i < n; i++)
            {
                var k = firstIndex + start + i;
                generator.Generate(classes[k % classes.Count], k / classes.Count, ImageSize, rgb);
                var offset = i * 3 * plane;
                for (var p = 0; p < plane; p++)
                {
                    data[offset + p] = rgb[(p * 3) + 2] - BgrMeans[0];
                    data[offset + plane + p] = rgb[(p * 3) + 1] - BgrMeans[1];
                    data[offset + (2 * plane) + p] = rgb[p * 3] - BgrMeans[2];
                }
            }

            yield return new CalibrationBatch(data, n, 3, ImageSize, ImageSize);
        }
    }

    public void Dispose() => _directory.Dispose();
}

using EdgeTransfer.Onnx.Quantization;
using EdgeTransfer.Quantization.Calibration;

namespace EdgeTransfer.Quantization.Tests;

public sealed class ActivationCalibratorTests
{
    [Fact]
    public void Calibrate_ZeroBatches_ThrowsAClearError()
    {
        var model = TinyModels.ResidualNet();

        var error = Assert.Throws<CalibrationException>(() => ActivationCalibrator.Calibrate(model, []));

        Assert.Contains("no images", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, error.ImagesUsed);
    }

    [Fact]
    public void Calibrate_CountsImages_AndGivesEveryPlannedTensorARange()
    {
        var model = TinyModels.ResidualNet();

        var result = ActivationCalibrator.Calibrate(model, TinyModels.Batches(3, 4, seed: 1));

        Assert.Equal(12, result.ImagesUsed);
        Assert.Equal(3, result.BatchesUsed);
        Assert.Equal(QdqQuantizer.PlanCalibration(model).Tensors.Order(StringComparer.Ordinal), result.Ranges.Keys.Order(StringComparer.Ordinal));
        Assert.All(result.Ranges.Values, r => Assert.True(r.IsValid));
        // Relu outputs start at exactly 0; a plain Conv output goes negative
        Assert.Equal(0f, result.Ranges["r1"].Min);
        Assert.Equal(0f, result.Ranges["r2"].Min);
        Assert.True(result.Ranges["conv3.out"].Min < 0);
    }

    [Fact]
    public void Calibrate_Percentile_GivesRangesInsideMinMax()
    {
        var model = TinyModels.ResidualNet();

        var minMax = ActivationCalibrator.Calibrate(model, TinyModels.Batches(2, 4, seed: 2));
        var percentile = ActivationCalibrator.Calibrate(model, TinyModels.Batches(2, 4, seed: 2), new QuantizationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.9 });

        foreach (var (name, r) in percentile.Ranges)
        {
            Assert.InRange(r.Min, minMax.Ranges[name].Min, 0f);
            Assert.InRange(r.Max, 0f, minMax.Ranges[name].Max);
        }

        Assert.Contains(percentile.Ranges, p => p.Value.Max < minMax.Ranges[p.Key].Max);
    }

    [Fact]
    public void Calibrate_BatchOfTheWrongSize_NamesTheInputAndBothShapes()
    {
        var model = TinyModels.ResidualNet();
        var wrong = new CalibrationBatch(new float[2 * 3 * 5 * 5], 2, 3, 5, 5);

        var error = Assert.Throws<CalibrationException>(() => ActivationCalibrator.Calibrate(model, [wrong]));

        Assert.Contains("[2,3,5,5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_NaNInput_IsRejected()
    {
        var model = TinyModels.ResidualNet();
        var data = new float[3 * TinyModels.Size * TinyModels.Size];
        data[5] = float.NaN;

        var error = Assert.Throws<CalibrationException>(() => ActivationCalibrator.Calibrate(model, [new CalibrationBatch(data, 1, 3, TinyModels.Size, TinyModels.Size)]));

        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CalibrationBatch_DataThatDoesNotFitTheShape_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new CalibrationBatch(new float[10], 1, 3, 2, 2));
        Assert.Throws<ArgumentException>(() => new CalibrationBatch([], 0, 3));
    }
}

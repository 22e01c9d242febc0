using System.Text;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Fuzzing;
using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Fuzzing.Surfaces;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fuzz.Tests;

/// <summary>One replay per defect the fuzzer found: each input failed (crash or raw .NET text) before its fix.</summary>
public sealed class FoundDefectTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Decode_JpegThatMakesTheDecoderIndexOutOfRange_IsRefusedWithoutRuntimeText()
    {
        // Given the JPEG of images seed 20261202 iteration 5149 (ImageSharp threw ArgumentOutOfRangeException "DangerousGetRowSpan(2)")
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", "jpeg-row-out-of-range.bin"));

        // When it is decoded
        var error = Assert.Throws<ImageDecodeException>(() => new HardenedImageDecoder().Decode(input, "frame-17"));

        // Then the error names the frame and says the data is corrupt, in words
        Assert.StartsWith("Image 'frame-17' cannot be used: the JPEG data is corrupt", error.Message, StringComparison.Ordinal);
        Assert.False(FuzzRunner.LeaksRuntimeText(error.Message), error.Message);
        using var surface = new ImageSurface();
        Assert.Equal(FuzzOutcomeKind.ClearError, FuzzRunner.Check(surface, input).Kind);
    }

    [Theory]
    [InlineData("""{"mqtt":{"host":"broker","username":"u","passwordFile":"\u0000"}}""", "mqtt.passwordFile")]
    [InlineData("""{"mqtt":{"host":"broker","tls":{"caFile":"ca\u0000.pem"}}}""", "mqtt.tls.caFile")]
    [InlineData("""{"source":{"kind":"synthetic","folder":{"path":"frames\u0000"}}}""", "source.folder.path")]
    public void Load_PathWithANulCharacter_IsRefusedNamingTheSetting(string json, string setting)
    {
        // Given a device.json whose file path holds \u0000 (device-json seed 20261202 iteration 493 threw ArgumentException "Null character in path")
        var path = _temp.Combine("device.json");
        File.WriteAllText(path, json);

        // When it is loaded as the device loads it
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path, checkFiles: false));

        // Then the setting is named with the reason
        Assert.StartsWith($"device.json: {setting}: expected a ", error.Message, StringComparison.Ordinal);
        Assert.Contains("control character", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"training":{"epochs":"\udfff"}}""", "training.epochs")]
    [InlineData("""{"\ud800x":1}""", "(a key)")]
    public void Load_LoneSurrogateEscape_IsRefusedNamingWhere(string json, string where)
    {
        var path = _temp.Combine("device.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path, checkFiles: false));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
        Assert.False(FuzzRunner.LeaksRuntimeText(error.Message), error.Message);
    }

    [Theory]
    [InlineData("train", """{"schema":"edgetransfer/v1","epochs":5,"seed":"\udfff"}""")]
    [InlineData("collect", """{"schema":"edgetransfer/v1","action":"start","label":"\ud800"}""")]
    [InlineData("label", """{"schema":"edgetransfer/v1","\udfffx":1,"label":"good"}""")]
    public void Dispatch_LoneSurrogateEscapeInABody_GetsAClearReplyNotFailed(string command, string body)
    {
        // Given a command body with half a surrogate pair (mqtt seed 20261202 iterations 928, 948, 1019 got 'failed' with
        // "Cannot read invalid UTF-16 JSON text as string")
        using var surface = new MqttCommandSurface();

        // When the router answers it
        var outcome = FuzzRunner.Check(surface, MqttCommandSurface.Input(command, body));

        // Then the reply is a clear invalid_value refusal
        Assert.Equal(FuzzOutcomeKind.ClearError, outcome.Kind);
        Assert.Contains("surrogate", outcome.Message!, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CheckpointWhoseHeaderHoldsALoneSurrogate_IsRefusedWithoutRuntimeText()
    {
        // Given a sealed checkpoint (digest fits) whose metadata value is "\udfff" (anomaly seed 20261202 iteration 574:
        // "The JSON value could not be converted to System.String")
        var header = Encoding.UTF8.GetBytes("""{"step":0,"metadata":{"note":"\udfff"},"parameters":[],"optimizerState":[]}""");
        var content = CheckpointMutations.Seal(header, []);

        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(content, "v0002.etck"));

        Assert.Contains("'metadata.note'", error.Message, StringComparison.Ordinal);
        Assert.False(FuzzRunner.LeaksRuntimeText(error.Message), error.Message);
    }

    [Theory]
    [InlineData(new long[] { 2, 12 }, true, "not a finite number")]
    [InlineData(new long[] { 2, 0 }, false, "expected [rows, dimensions] with 1 to")]
    public void Read_AnomalyModelWithABadBank_IsRefusedWithoutParameterNames(long[] shape, bool nan, string reason)
    {
        // Given an anomaly model whose bank holds NaN or has an impossible shape (anomaly seed 20261202 iterations 34, 815, 900
        // ended in "… (Parameter 'rows')")
        var values = new float[shape[0] * shape[1]];
        if (nan)
        {
            values[5] = float.NaN;
        }

        var path = _temp.Combine("model.etam");
        CheckpointFile.Write(path, new HeadCheckpoint(
            [new NamedTensor("bank", shape, values)],
            metadata: new Dictionary<string, string>
            {
                ["format"] = "etam", ["formatVersion"] = "1", ["stage2"] = "4,4,4", ["stage3"] = "8,2,2",
                ["threshold"] = "1.5", ["targetFalseRejectRate"] = "0.01", ["heldOutSamples"] = "20",
            }));

        var error = Assert.Throws<AnomalyModelException>(() => AnomalyModelFile.Read(path));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(FuzzRunner.LeaksRuntimeText(error.Message), error.Message);
    }

    [Theory]
    [InlineData("archive-header-number-overflow.bin")]
    [InlineData("archive-pax-size-too-large.bin")]
    public void Unpack_ArchiveWhoseTarHeaderTheReaderCannotParse_IsRefusedAndLeavesTheInstalledBundle(string file)
    {
        // Given archives seed 20261202 iteration 1237 (TarReader threw OverflowException parsing a header number) and
        // seed 1 iteration 5011 (InvalidOperationException: an ExtendedAttributes size greater than the expected length)
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", file));
        using var surface = new BundleArchiveSurface();
        var before = surface.StoredFiles.Select(File.ReadAllBytes).ToList();

        // When it is unpacked over the installed bundle
        var outcome = FuzzRunner.Check(surface, input);

        // Then it is a clear refusal and the installed bundle is unchanged
        Assert.Equal(FuzzOutcomeKind.ClearError, outcome.Kind);
        Assert.Contains("not a valid .tar.gz archive", outcome.Message!, StringComparison.Ordinal);
        Assert.Equal(before, surface.StoredFiles.Select(File.ReadAllBytes).ToList());
    }
}

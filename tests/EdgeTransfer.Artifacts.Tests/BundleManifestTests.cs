using System.Text.Json.Nodes;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Artifacts.Tests;

public class BundleManifestTests
{
    [Fact]
    public void ToJson_ThenParse_RoundTripsEveryField()
    {
        // Given a complete manifest of a written bundle (quantization and mean image included)
        using var temp = new TempDirectory();
        var manifest = TestBundles.Write(temp.Combine("b"), meanImage: true);

        // When it is serialized and parsed
        var json = manifest.ToJson();
        var parsed = BundleManifest.Parse(json, "b");

        // Then the JSON is the same, with the documented key names and a UTC 'Z' time
        Assert.Equal(json, parsed.ToJson());
        Assert.Equal(manifest.CreatedAt, parsed.CreatedAt);
        Assert.Equal(manifest.Quantization!.FloatOps, parsed.Quantization!.FloatOps);
        Assert.Contains("\"createdAt\": \"2026-11-26T03:15:00Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"channelOrder\": \"BGR\"", json, StringComparison.Ordinal);
        Assert.Contains("\"mean\": {\n      \"imageFile\": \"mean_image.f32\"\n    }", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"adamw\"", json, StringComparison.Ordinal);
        Assert.StartsWith("resnet18-3c-20261126T031500Z-", parsed.BundleId, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AcceptsNullQuantization()
    {
        // Given a manifest without a quantized backbone
        using var temp = new TempDirectory();
        var manifest = TestBundles.Write(temp.Combine("b")) with { Quantization = null };

        // When it is written and parsed
        var json = manifest.ToJson();

        // Then "quantization": null is written and read back as null
        Assert.Contains("\"quantization\": null", json, StringComparison.Ordinal);
        Assert.Null(BundleManifest.Parse(json, "b").Quantization);
    }

    [Theory]
    [InlineData("one-class", "'classes'", "expected at least 2 class names")]
    [InlineData("duplicate-class", "'classes[2]'", "\"Good\" is given twice")]
    [InlineData("empty-class", "'classes[1]'", "is empty")]
    [InlineData("padded-class", "'classes[1]'", "without leading or trailing spaces")]
    [InlineData("bad-sha", "'files[0].sha256'", "expected 64 lower-case hex digits")]
    [InlineData("duplicate-role", "'files[1].role'", "is given to two files")]
    [InlineData("no-checkpoint", "'files'", "role \"checkpoint\"")]
    [InlineData("unknown-key", "'optimizer.learningrate'", "did you mean \"learningRate\"")]
    [InlineData("head-shape", "'head.parameters[0]'", "expected head.weight [4,3]")]
    [InlineData("linear-hidden", "'head.hidden'", "expected 0 for a linear head")]
    [InlineData("lr", "'optimizer.learningRate'", "expected a positive number, got 0")]
    [InlineData("smoothing", "'training.labelSmoothing'", "up to (not including) 1, got 1")]
    [InlineData("activation-type", "'quantization.activationType'", "expected \"uint8\" or \"int8\", got \"int4\"")]
    [InlineData("mean-image-model", "'input.mean.image'", "a bundle carries its mean image as a file")]
    [InlineData("bundle-id", "'bundleId'", "expected 1–128 letters")]
    [InlineData("created-at", "'createdAt'", "expected a UTC time")]
    [InlineData("manifest-listed", "'files[0].path'", "is listed twice (or is the manifest itself)")]
    [InlineData("version-text", "'formatVersion'", "expected a whole number from 1 to 3, got \"1\"")]
    [InlineData("version-null", "'formatVersion'", "expected a whole number from 1 to 3, got null")]
    [InlineData("version-object", "'formatVersion'", "expected a whole number from 1 to 3, got an object")]
    [InlineData("version-fraction", "'formatVersion'", "expected a whole number from 1 to 3, got 1.5")]
    [InlineData("version-missing", "'formatVersion'", "is missing; expected 1 to 3")]
    [InlineData("no-files", "'files'", "is missing")]
    [InlineData("files-null", "'files'", "got null")]
    [InlineData("no-float-ops", "'quantization.floatOps'", "is missing")]
    [InlineData("float-ops-null", "'quantization.floatOps'", "got null")]
    [InlineData("file-under-file", "'files[1].path'", "inside \"backbone.onnx\", which is a file")]
    public void Parse_RejectsBadManifest_NamingKeyAndReason(string mistake, string key, string reason)
    {
        // Given a valid manifest with one mistake
        using var temp = new TempDirectory();
        var root = JsonNode.Parse(TestBundles.Write(temp.Combine("b")).ToJson())!.AsObject();
        Apply(root, mistake);

        // When it is parsed
        var error = Assert.Throws<BundleException>(() => BundleManifest.Parse(root.ToJsonString(), "line3"));

        // Then the bundle, the manifest, the key and the reason are named
        Assert.Equal("line3", error.BundlePath);
        Assert.Equal(BundleManifest.FileName, error.FileName);
        Assert.Contains($"is not valid at {key}: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Bundle 'line3' is not valid: manifest.json is not valid at ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "good" }, "at least 2")]
    [InlineData(new[] { "good", "GOOD" }, "given twice")]
    [InlineData(new[] { "good", "" }, "is empty")]
    public void ValidateClasses_RejectsUnusableNames_WithTheSettingName(string[] classes, string reason)
    {
        // Given class names from a command line
        // When they are checked
        var error = Assert.Throws<InvalidSettingException>(() => BundleManifest.ValidateClasses(classes, "--classes"));

        // Then the setting is named with the reason
        Assert.Equal("--classes", error.Setting);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClasses_AcceptsDistinctNames()
    {
        // Given good class names
        // When they are checked
        // Then nothing is thrown
        BundleManifest.ValidateClasses(["good", "scratch", "dent"], "--classes");
    }

    [Fact]
    public void ExpectedParameters_FollowTheGraphContract_ForMlp()
    {
        // Given an MLP head with 16 hidden units on 512 features and 3 classes
        // When its parameters are listed
        var parameters = HeadSpec.ExpectedParameters(HeadKind.Mlp, 16, 512, 3);

        // Then they are fc1 [D,H], [H] and fc2 [H,C], [C]
        Assert.Equal(["head.fc1.weight", "head.fc1.bias", "head.fc2.weight", "head.fc2.bias"], parameters.Select(p => p.Name));
        Assert.Equal([512L, 16], parameters[0].Shape);
        Assert.Equal([16L, 3], parameters[2].Shape);
    }

    private static void Apply(JsonObject root, string mistake)
    {
        var files = root["files"]!.AsArray();
        switch (mistake)
        {
            case "one-class": root["classes"] = new JsonArray("good"); break;
            case "duplicate-class": root["classes"] = new JsonArray("good", "scratch", "Good"); break;
            case "empty-class": root["classes"] = new JsonArray("good", "", "dent"); break;
            case "padded-class": root["classes"] = new JsonArray("good", "scratch ", "dent"); break;
            case "bad-sha": files[0]!["sha256"] = "ABC"; break;
            case "duplicate-role": files[1]!["role"] = files[0]!["role"]!.GetValue<string>(); break;
            case "no-checkpoint": files.RemoveAt(files.Count - 1); break;
            case "unknown-key": root["optimizer"]!["learningrate"] = 0.1; break;
            case "head-shape": root["head"]!["parameters"]![0]!["shape"] = new JsonArray(4, 2); break;
            case "linear-hidden": root["head"]!["hidden"] = 8; break;
            case "lr": root["optimizer"]!["learningRate"] = 0; break;
            case "smoothing": root["training"]!["labelSmoothing"] = 1; break;
            case "activation-type": root["quantization"]!["activationType"] = "int4"; break;
            case "mean-image-model":
                root["input"]!["mean"] = new JsonObject { ["image"] = new JsonObject { ["model"] = "p.onnx", ["initializer"] = "MeanImage" } };
                break;
            case "bundle-id": root["bundleId"] = "a/b"; break;
            case "created-at": root["createdAt"] = "yesterday"; break;
            case "manifest-listed": files[0]!["path"] = "manifest.json"; break;
            case "version-text": root["formatVersion"] = "1"; break;
            case "version-null": root["formatVersion"] = null; break;
            case "version-object": root["formatVersion"] = new JsonObject { ["major"] = 1 }; break;
            case "version-fraction": root["formatVersion"] = 1.5; break;
            case "version-missing": root.Remove("formatVersion"); break;
            case "no-files": root.Remove("files"); break;
            case "files-null": root["files"] = null; break;
            case "no-float-ops": root["quantization"]!.AsObject().Remove("floatOps"); break;
            case "float-ops-null": root["quantization"]!["floatOps"] = null; break;
            case "file-under-file": files[1]!["path"] = files[0]!["path"]!.GetValue<string>() + "/y"; break;
            default: throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }
    }
}

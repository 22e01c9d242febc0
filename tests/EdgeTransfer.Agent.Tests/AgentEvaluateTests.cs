using System.Globalization;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>The <c>evaluate</c> command through a real Mosquitto: a stored head on the stored samples it never trained on.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentEvaluateTests(AgentEnvironment environment)
{
    private const string Id = "d-eval";
    private static readonly string Schema = DeviceMessage.SchemaVersion;

    [MosquittoFact]
    public async Task Evaluate_GradesAHeadOnlyOnSamplesItNeverTrainedOn_AndRefusesBadInputs()
    {
        await using var device = await DeviceUnderTest.StartAsync(environment, Id, inspect: false);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, Id);
        var host = device.Agent.Host;

        // Given an empty store, When the head in service is evaluated, Then there is nothing to evaluate on
        var empty = await fleet.AskAsync(Id, "evaluate", new EvaluateRequest { Schema = Schema });
        Assert.Equal(CommandErrorCodes.NotFound, empty.Error?.Code);
        Assert.Contains("empty", empty.Error!.Message, StringComparison.Ordinal);

        // And a head the device does not hold is named with the ones it holds
        var missing = await fleet.AskAsync(Id, "evaluate", new EvaluateRequest { Schema = Schema, HeadVersion = 99 });
        Assert.Equal(CommandErrorCodes.NotFound, missing.Error?.Code);
        Assert.Equal("headVersion", missing.Error!.Field);
        Assert.Contains("1 (in service)", missing.Error.Message, StringComparison.Ordinal);

        // Given separable labelled samples of every class and a head trained on part of them
        var classes = host.Bundle.Classes;
        var size = host.Bundle.Manifest.Features.Size;
        var rng = new Random(5);
        var centres = classes.Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 4)).ToArray()).ToArray();
        for (var i = 0; i < 15 * classes.Count; i++)
        {
            var c = i % classes.Count;
            host.Samples.Add(classes[c], [.. centres[c].Select(v => v + (float)(rng.NextDouble() * 0.5))], "f" + i.ToString(CultureInfo.InvariantCulture));
        }

        var training = await host.TrainAsync();
        Assert.True(training.Promoted, training.Reason);

        // When the head in service is evaluated
        var report = await fleet.OkAsync(Id, "evaluate", new EvaluateRequest { Schema = Schema });

        // Then it is graded on its validation samples only, with every figure of the report
        Assert.Equal("v0002", report.GetProperty("head").GetString());
        Assert.Equal(training.ValidationSamples, report.GetProperty("count").GetInt32());
        Assert.True(report.GetProperty("accuracy").GetDouble() >= 0.9, report.ToString());
        Assert.True(report.GetProperty("balancedAccuracy").GetDouble() >= 0.9);
        Assert.Equal(classes.Count, report.GetProperty("classes").GetArrayLength());
        Assert.True(report.GetProperty("classes")[0].TryGetProperty("precision", out _));
        var matrix = report.GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Sum(v => v.GetInt32())).Sum();
        Assert.Equal(training.ValidationSamples, matrix);
        Assert.True(report.GetProperty("verdicts").TryGetProperty("escapeRate", out _));

        // And the bundle's head, trained on none of them, is graded on all of them (and not put in service)
        var initial = await fleet.OkAsync(Id, "evaluate", new EvaluateRequest { Schema = Schema, HeadVersion = 1 });
        Assert.Equal(host.Samples.Count, initial.GetProperty("count").GetInt32());
        Assert.Equal(2, host.Heads.Current!.Number);
    }
}

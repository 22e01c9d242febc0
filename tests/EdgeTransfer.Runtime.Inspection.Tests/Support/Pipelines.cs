using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

public static class Pipelines
{
    public static InspectionPipeline Create(DeviceBundle bundle, double minimumPassConfidence = 0) =>
        new(bundle, new VerdictPolicy(bundle.Classes, minimumPassConfidence: minimumPassConfidence));

    /// <summary>The backbone features of a solid frame of <paramref name="value"/>.</summary>
    public static float[] FeaturesOf(InspectionPipeline pipeline, byte value)
    {
        var frame = ScriptedFrame.Solid(value, "probe");
        pipeline.Inspect(new Capture.Frame(0, DateTimeOffset.UnixEpoch, frame.Width, frame.Height, frame.Pixels, null, "probe", null));
        return pipeline.GetLastFrame()!.Features;
    }
}

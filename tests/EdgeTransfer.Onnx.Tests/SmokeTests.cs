namespace EdgeTransfer.Onnx.Tests;

public class SmokeTests
{
    [Fact]
    public void Builds() => Assert.True(true);
}

namespace EdgeTransfer.Training.Tests;

public class SmokeTests
{
    [Fact]
    public void Builds() => Assert.True(true);
}

namespace EdgeTransfer.Device;

internal static class Program
{
    private static int Main(string[] args) => DeviceCli.Run(args, Console.Out, Console.Error);
}

using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.LineConsole.Rendering;
using Spectre.Console.Testing;

namespace EdgeTransfer.LineConsole.Tests.Infrastructure;

/// <summary>Renders the dashboard the way <c>--snapshot</c> does, into a <see cref="TestConsole"/>, and returns the text.</summary>
public static class Screen
{
    /// <summary>The dashboard as text, 160 columns wide.</summary>
    public static string Of(DashboardSnapshot snapshot)
    {
        using var console = new TestConsole().Width(160);
        console.Write(DashboardRenderer.Render(snapshot));
        return console.Output;
    }

    /// <summary>The dashboard of <paramref name="model"/> now.</summary>
    public static string Of(DashboardModel model) => Of(model.Snapshot());
}

using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Rendering;
using Spectre.Console;

namespace EdgeTransfer.LineConsole.Session;

/// <summary>Runs the dashboard on a terminal: redraws it a few times a second and turns keys into commands until <c>q</c>.</summary>
public static class LiveDashboard
{
    /// <summary>Redraws and reads keys until <c>q</c> or cancellation.</summary>
    /// <param name="console">The terminal (a <c>TestConsole</c> in tests).</param>
    /// <param name="session">The started session.</param>
    /// <param name="refresh">Time between redraws.</param>
    /// <param name="cancellationToken">Stops the console (Ctrl+C).</param>
    public static async Task RunAsync(IAnsiConsole console, DashboardSession session, TimeSpan refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(session);
        var live = new LiveDisplay(console, DashboardRenderer.Render(session.Model.Snapshot()))
        {
            // Taller than the terminal: cut at the bottom rather than scroll, so the header stays in view.
            Overflow = VerticalOverflow.Crop,
            Cropping = VerticalOverflowCropping.Bottom,
        };
        await live.StartAsync(async context =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                while (console.Input.IsKeyAvailable())
                {
                    var key = console.Input.ReadKey(intercept: true);
                    if (key is { } info && session.HandleKey(info.KeyChar).Action == KeyAction.Quit)
                    {
                        return;
                    }
                }

                context.UpdateTarget(DashboardRenderer.Render(session.Model.Snapshot()));
                context.Refresh();
                try
                {
                    await Task.Delay(refresh, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }
}

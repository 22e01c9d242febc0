using System.Diagnostics;
using Spectre.Console;

namespace EdgeTransfer.Demo;

/// <summary>Shows each step of the demo as a progress bar with its elapsed time.</summary>
internal sealed class DemoStages(IAnsiConsole console)
{
    public async Task RunAsync(string name, Func<Task> work) => await RunAsync(name, async () =>
    {
        await work();
        return true;
    });

    public async Task<T> RunAsync<T>(string name, Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        T result = default!;
        await Bar().StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(name), maxValue: 1);
            task.IsIndeterminate = true;
            result = await work();
            task.IsIndeterminate = false;
            task.Value = 1;
        });
        Trace(name, clock);
        return result;
    }

    public async Task RunProgressAsync(string name, int total, Func<int> current, Task completion, CancellationToken cancellationToken) =>
        await RunProgressAsync(name, total, current, WithValue(completion), cancellationToken);

    public async Task<T> RunProgressAsync<T>(string name, int total, Func<int> current, Task<T> completion, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Bar().StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(name), maxValue: total);
            while (!completion.IsCompleted)
            {
                task.Value = Math.Min(total, current());
                await Task.WhenAny(completion, Task.Delay(100, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }

            task.Value = total;
        });
        Trace(name, clock);
        return await completion;
    }

    private static async Task<bool> WithValue(Task task)
    {
        await task;
        return true;
    }

    private Progress Bar() => console.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());

    // Non-interactive consoles (CI logs, pipes) do not animate: one plain line per step says the same.
    private void Trace(string name, Stopwatch clock)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            console.MarkupLine($"[green]✓[/] {Markup.Escape(name)} ({clock.Elapsed.TotalSeconds:0.0} s)");
        }
    }
}

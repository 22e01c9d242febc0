using System.Text.Json;
using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Input;

/// <summary>
/// The console's keys and the protocol v1 commands they send (docs/mqtt.md, docs/console.md). Pure: the
/// same key in the same state gives the same command, so tests check the bindings without a terminal.
/// </summary>
public static class KeyBindings
{
    /// <summary>The <c>config</c> key that pauses inspection (on the agent's allow-list, see docs/console.md).</summary>
    public const string PausedKey = "inspection.paused";

    /// <summary>What <paramref name="key"/> does in state <paramref name="state"/>.</summary>
    /// <param name="key">The character typed.</param>
    /// <param name="state">The dashboard as shown when the key was pressed.</param>
    public static KeyResult Resolve(char key, DashboardSnapshot state)
    {
        ArgumentNullException.ThrowIfNull(state);
        switch (char.ToLowerInvariant(key))
        {
            case 'q':
                return new KeyResult(KeyAction.Quit);
            case '?' or 'h':
                return new KeyResult(KeyAction.ToggleHelp);
            case >= '1' and <= '9':
                return Label(key - '0', state);
            case 'c':
                return Collect(state);
            case 't':
                return NeedsDevice(state) ?? Send(Command("train", "train", _ => { }));
            case 'r':
                return NeedsDevice(state) ?? Send(Command("rollback", "roll back", _ => { }));
            case 'p':
                return NeedsDevice(state) ?? Pause(state);
            default:
                return new KeyResult(KeyAction.Ignore);
        }
    }

    /// <summary>The <c>status</c> request the console polls with.</summary>
    public static ConsoleCommand Status() => Command("status", "status", _ => { }) with { Background = true };

    /// <summary>The <c>preview</c> request the console polls with (docs/console.md).</summary>
    /// <param name="size">The thumbnail side asked for.</param>
    /// <param name="anomalyMap">Also ask for the anomaly map of the last scored frame (only devices that score frames know the field).</param>
    public static ConsoleCommand Preview(int size, bool anomalyMap = false) => Command("preview", "preview", w =>
    {
        w.WriteNumber("size", size);
        if (anomalyMap)
        {
            w.WriteBoolean("anomalyMap", true);
        }
    }) with { Background = true };

    private static KeyResult Label(int k, DashboardSnapshot state)
    {
        if (NeedsDevice(state) is { } refused)
        {
            return refused;
        }

        if (k > state.Classes.Count)
        {
            return new KeyResult(KeyAction.Refuse)
            {
                Hint = state.Classes.Count == 0
                    ? $"No class {k}: the device has not named its classes yet (wait for its status reply, or pass --classes)."
                    : $"No class {k}: the device has {state.Classes.Count} ({string.Join(", ", state.Classes)}).",
            };
        }

        var label = state.Classes[k - 1];
        if (!ProtocolIds.IsValidId(label))
        {
            return new KeyResult(KeyAction.Refuse) { Hint = $"Class {k} ({label}) is not a valid label id; the device's class list is damaged." };
        }

        var command = Command("label", $"label {label}", w => w.WriteString("label", label)) with { Label = label };
        return Send(command) with { SelectClass = label };
    }

    private static KeyResult Collect(DashboardSnapshot state)
    {
        if (NeedsDevice(state) is { } refused)
        {
            return refused;
        }

        if (state.Device!.CollectingLabel is { } current)
        {
            return Send(Command("collect", $"stop collecting {current}", w => w.WriteString("action", "stop")) with { Collect = CollectAction.Stop, Label = current });
        }

        if (state.SelectedClass is not { } label)
        {
            return new KeyResult(KeyAction.Refuse) { Hint = "Select a class first: press its number (1…9), then c." };
        }

        return Send(Command("collect", $"collect {label}", w =>
        {
            w.WriteString("action", "start");
            w.WriteString("label", label);
        }) with { Collect = CollectAction.Start, Label = label });
    }

    private static KeyResult Pause(DashboardSnapshot state)
    {
        var pause = state.Device!.Paused != true;
        return Send(Command("config", pause ? "pause inspection" : "resume inspection", w =>
        {
            w.WriteStartObject("set");
            w.WriteBoolean(PausedKey, pause);
            w.WriteEndObject();
        }) with { Paused = pause });
    }

    private static KeyResult? NeedsDevice(DashboardSnapshot state) => state.Device is null
        ? new KeyResult(KeyAction.Refuse) { Hint = "No device yet: wait for one to come online, or pass --device." }
        : null;

    private static KeyResult Send(ConsoleCommand command) => new(KeyAction.Send) { Command = command };

    private static ConsoleCommand Command(string name, string summary, Action<Utf8JsonWriter> fields)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", DeviceMessage.SchemaVersion);
            fields(writer);
            writer.WriteEndObject();
        }

        return new ConsoleCommand(name, buffer.WrittenSpan.ToArray(), summary);
    }
}

namespace EdgeTransfer.LineConsole.Model;

/// <summary>A command the console sent and what came back.</summary>
/// <param name="At">When the reply (or the failure) arrived.</param>
/// <param name="Command">The command name.</param>
/// <param name="Ok">Whether the device carried it out.</param>
/// <param name="Text">The result in brief, or the error code and message.</param>
public sealed record ReplyRecord(DateTimeOffset At, string Command, bool Ok, string Text);

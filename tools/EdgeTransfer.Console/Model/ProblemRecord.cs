namespace EdgeTransfer.LineConsole.Model;

/// <summary>One line of the console's error list.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Text">What happened, as a sentence.</param>
public sealed record ProblemRecord(DateTimeOffset At, string Text);

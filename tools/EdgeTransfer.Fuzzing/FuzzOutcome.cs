namespace EdgeTransfer.Fuzzing;

/// <summary>What became of one input.</summary>
public enum FuzzOutcomeKind
{
    /// <summary>Accepted.</summary>
    Success,

    /// <summary>Refused with the SDK's error whose message names the input and the reason.</summary>
    ClearError,

    /// <summary>Anything else: another exception, raw .NET text, no input named, a hang, too much memory, a stored file changed.</summary>
    Failure,
}

/// <summary>The outcome of one input and, for a refusal or failure, the message.</summary>
/// <param name="Kind">Success, clear error or failure.</param>
/// <param name="Message">The refusal's message or what failed; null on success.</param>
public sealed record FuzzOutcome(FuzzOutcomeKind Kind, string? Message);

/// <summary>A failing input, with what is needed to replay it.</summary>
/// <param name="Surface">The surface.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Iteration">The input's iteration (with the seed, it regenerates the input).</param>
/// <param name="Reason">What failed.</param>
/// <param name="InputFile">Where the input was written, or null when it could not be.</param>
public sealed record FuzzFailure(string Surface, int Seed, int Iteration, string Reason, string? InputFile);

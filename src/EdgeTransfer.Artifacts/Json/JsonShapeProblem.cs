namespace EdgeTransfer.Artifacts.Json;

/// <summary>The first problem that <see cref="JsonShape"/> found in a document.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Path">The JSON path of the value, such as <c>input.height</c> or <c>files[2].path</c>; empty for the whole document.</param>
/// <param name="Reason">What was expected and what was found, as the end of a sentence that names the path (<c>expected a whole number, got "30".</c>).</param>
public readonly record struct JsonShapeProblem(JsonShapeProblemKind Kind, string Path, string Reason);

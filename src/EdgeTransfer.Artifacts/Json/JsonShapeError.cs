namespace EdgeTransfer.Artifacts.Json;

/// <summary>Builds the exception that a reader throws for <paramref name="problem"/> (its type, its wording of the path).</summary>
/// <param name="problem">The problem found.</param>
public delegate Exception JsonShapeError(JsonShapeProblem problem);

namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// Builds the exception for a bad field: the same checks serve a spec (an <see cref="InvalidSettingException"/>
/// naming the file and key) and a manifest (a <see cref="BundleException"/> naming the bundle).
/// </summary>
/// <param name="path">The JSON path of the field, such as <c>input.height</c> or <c>files[2].path</c>.</param>
/// <param name="reason">What was expected and what was found, as a sentence.</param>
internal delegate Exception ValidationError(string path, string reason);

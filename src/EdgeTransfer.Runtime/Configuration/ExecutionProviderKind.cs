using System.Text.Json.Serialization;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The ONNX Runtime execution provider that runs the backbone and the head (<c>executionProvider.kind</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExecutionProviderKind>))]
public enum ExecutionProviderKind
{
    /// <summary>The CPU provider: always there, the default.</summary>
    [JsonStringEnumMemberName("cpu")]
    Cpu,

    /// <summary>NVIDIA CUDA (a Jetson or a PC with an NVIDIA GPU); needs the CUDA flavour of ONNX Runtime.</summary>
    [JsonStringEnumMemberName("cuda")]
    Cuda,

    /// <summary>DirectML (Windows only); needs the DirectML flavour of ONNX Runtime.</summary>
    [JsonStringEnumMemberName("directml")]
    DirectML,
}

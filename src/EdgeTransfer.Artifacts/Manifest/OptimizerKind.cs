using System.Text.Json.Serialization;

namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The optimizer the optimizer graph implements.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with decoupled weight decay (PyTorch's AdamW); state <c>adam.m</c>, <c>adam.v</c>.</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,

    /// <summary>Stochastic gradient descent with momentum (PyTorch's SGD); state <c>sgd.momentum</c>.</summary>
    [JsonStringEnumMemberName("sgd")]
    Sgd,
}

using EdgeTransfer.Onnx.Model;
using EdgeTransfer.Onnx.Protos;

namespace EdgeTransfer.Onnx.Surgery;

/// <summary>
/// Upgrades the default-domain opset of a model (ResNet18 ships at opset 8) to a target version and sets
/// the IR version to 8, rewriting the nodes whose operator changed on the way: attributes that became
/// inputs (Reshape, Split, Squeeze/Unsqueeze, ReduceSum, Pad, Clip, Slice, TopK), removed attributes
/// (BatchNormalization's spatial/is_test, consumed_inputs, legacy broadcast), Dropout (identity at
/// inference) and Softmax's change of meaning at opset 13.
/// </summary>
/// <remarks>
/// An operator whose history is not in the upgrader's table, or whose change cannot be expressed, is
/// refused with a <see cref="GraphException"/> naming the node and the operator. Nodes of other domains
/// are left alone. Downgrades are refused.
/// </remarks>
public sealed class OpsetUpgrader : IModelPass
{
    /// <summary>The newest opset this upgrader (and the ONNX 1.12 checker used in tests) knows.</summary>
    public const int MaxTargetOpset = 17;

    /// <summary>The oldest target opset accepted: opset 7 brought numpy-style broadcasting.</summary>
    public const int MinTargetOpset = 7;

    /// <summary>The IR version written: IR 8 is the one of opsets 15–17 (ONNX 1.10–1.12).</summary>
    public const long TargetIrVersion = 8;

    /// <summary>Creates the pass.</summary>
    /// <param name="targetOpset">The default-domain opset to reach, <see cref="MinTargetOpset"/>–<see cref="MaxTargetOpset"/>.</param>
    /// <exception cref="InvalidSettingException">The target is outside the supported range.</exception>
    public OpsetUpgrader(int targetOpset = MaxTargetOpset)
    {
        if (targetOpset is < MinTargetOpset or > MaxTargetOpset)
        {
            throw new InvalidSettingException("target opset", $"{targetOpset} is not supported; use a version from {MinTargetOpset} to {MaxTargetOpset}.");
        }

        TargetOpset = targetOpset;
    }

    /// <summary>The default-domain opset the model ends with.</summary>
    public int TargetOpset { get; }

    /// <inheritdoc />
    public string Name => "opset-upgrade";

    /// <inheritdoc />
    public PassReport Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var source = ModelFacts.DefaultOpset(model)
            ?? throw new GraphException("The model imports no default-domain ('ai.onnx') opset, so its operators' versions are unknown.");
        if (source > TargetOpset)
        {
            throw new GraphException($"The model uses opset {source}, newer than the target opset {TargetOpset}; downgrading is not supported.");
        }

        var changes = new List<string>();
        if (source < TargetOpset)
        {
            var context = new UpgradeContext(model, source, TargetOpset);
            var nodes = new List<NodeProto>(model.Graph.Node.Count);
            foreach (var node in model.Graph.Node)
            {
                if (ModelFacts.IsDefaultDomain(node.Domain))
                {
                    Upgrade(context, node, source);
                }

                context.Flush(node, nodes);
            }

            model.Graph.Node.Clear();
            model.Graph.Node.Add(nodes);
            foreach (var opset in model.OpsetImport.Where(o => ModelFacts.IsDefaultDomain(o.Domain)))
            {
                opset.Version = TargetOpset;
            }

            changes.Add($"opset {source} -> {TargetOpset}");
            changes.AddRange(context.Notes.Select(n => n.Value == 1 ? n.Key : $"{n.Key} ({n.Value} nodes)"));
        }

        if (model.IrVersion < TargetIrVersion)
        {
            changes.Add($"IR version {model.IrVersion} -> {TargetIrVersion}");
            model.IrVersion = TargetIrVersion;
        }

        return new PassReport(Name, changes);
    }

    private void Upgrade(UpgradeContext context, NodeProto node, long source)
    {
        var op = node.OpType;
        var history = OpsetChanges.For(op)
            ?? throw context.Refuse(node, $"the upgrader does not know how {op} changed between these opsets; export the model at opset {TargetOpset}, or cut the graph before this node.");
        foreach (var version in history)
        {
            if (version.Version <= source || version.Version > TargetOpset || version.Change is null)
            {
                continue;
            }

            version.Change(context, node);
            if (node.OpType != op)
            {
                // The node became another operator (Dropout → Identity), already valid at the target.
                return;
            }
        }
    }
}

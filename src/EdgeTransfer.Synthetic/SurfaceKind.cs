namespace EdgeTransfer.Synthetic;

/// <summary>The surface materials the generator draws.</summary>
internal enum SurfaceKind
{
    BrushedMetal,
    WovenFabric,
    WoodGrain,
    PaintedPlastic,
}

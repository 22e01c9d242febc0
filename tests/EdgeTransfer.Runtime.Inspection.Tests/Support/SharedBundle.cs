namespace EdgeTransfer.Runtime.Inspection.Tests.Support;

/// <summary>Tests that share the prepared bundle; they run one after another (the 2-core VM runs one backbone at a time well).</summary>
[CollectionDefinition(Name)]
public sealed class SharedBundle : ICollectionFixture<PreparedBundle>
{
    public const string Name = "prepared bundle";
}

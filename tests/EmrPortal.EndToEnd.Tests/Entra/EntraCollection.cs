using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Entra;

/// <summary>The Entra-mode portal starts once, for the tests of this collection only.</summary>
[CollectionDefinition(Name)]
public sealed class EntraCollection : ICollectionFixture<EntraPortalFixture>
{
    public const string Name = "Entra";
}

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>The default host: real defaults for quotas and the emulator's throttling (on), background refresh off.</summary>
public sealed class ProxyFixture() : ProxyHost(), IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    public const string Name = "proxy";
}

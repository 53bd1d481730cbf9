namespace EmrPortal.Proxy;

/// <summary>Marker type for <c>WebApplicationFactory&lt;ProxyApp&gt;</c> (the top-level program has no usable name).</summary>
public sealed class ProxyApp;

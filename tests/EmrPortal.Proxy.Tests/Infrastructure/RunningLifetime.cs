using Microsoft.Extensions.Hosting;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>A host lifetime that never stops, for services constructed outside a host.</summary>
internal sealed class RunningLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => CancellationToken.None;
    public CancellationToken ApplicationStopping => CancellationToken.None;
    public CancellationToken ApplicationStopped => CancellationToken.None;
    public void StopApplication() { }
}

using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>Refreshes watched workspaces in the background so readers rarely wait or see stale data.</summary>
internal sealed class SnapshotRefresher(SnapshotStore store, IOptionsMonitor<SnapshotOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.BackgroundRefresh)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.CurrentValue.BackgroundInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            store.RefreshDue();
        }
    }
}

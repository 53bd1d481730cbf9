using EmrPortal.Contracts.Notifications;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Insights;
using Microsoft.Extensions.Hosting;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>Restarts and several instances: each event reaches the receiver once.</summary>
public sealed class DeliveryRestartTests
{
    [Fact]
    public async Task A_proxy_stopped_mid_delivery_finishes_and_records_it_so_the_next_instance_does_not_send_it_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Responder = async (r, ct) =>
        {
            if (r.Index == 0)
            {
                await inFlight.Task.WaitAsync(ct);
            }

            return (200, "ok");
        };
        await using var emulator = new ProxyHost(emulatorSettings: InsightsHost.NoThrottling); // only its emulator is used
        var database = Path.Combine(Path.GetTempPath(), $"emrportal-notify-{Guid.NewGuid():N}.db");
        // The production send timeout: the receiver holds the request until the proxy is stopping, which on a loaded
        // machine took longer than the suite's 3 s (a timed-out send is retried: a second request that is not the point).
        var settings = NotificationHost.Settings(("ConnectionStrings:portaldb", $"Data Source={database}"), ("Notifications:RequestTimeout", "00:00:10"));
        try
        {
            var first = new ProxyHost(settings, sharedEmulator: emulator.Emulator);
            var snapshot = await first.LoadAsync();
            var destination = await first.CreateDestinationAsync("restart", WebhookFormats.Generic, receiver.Url("/restart"));
            await first.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });
            await first.FailInEmulatorAsync(snapshot.Healthy()[0].SessionClusterId);
            await first.RescanAsync(NotificationHost.Workspace);
            var firstEvent = (await receiver.WaitForAsync(1))[0].Headers["X-EmrPortal-Event-Id"];

            // Stop the proxy while the receiver holds the request, then let the receiver answer.
            var stopping = first.Service<IHostApplicationLifetime>().ApplicationStopping;
            var stopped = Task.Run(async () => await first.DisposeAsync(), TestContext.Current.CancellationToken);
            await NotificationHost.EventuallyAsync(() => Task.FromResult(stopping.IsCancellationRequested ? "" : null), "the first proxy to begin stopping");
            inFlight.SetResult();
            await stopped.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            // A new instance on the same database delivers what comes next, and nothing twice.
            await using var second = new ProxyHost(settings, sharedEmulator: emulator.Emulator);
            await second.LoadAsync();
            await second.FailInEmulatorAsync(snapshot.Healthy()[1].SessionClusterId);
            await second.RescanAsync(NotificationHost.Workspace);
            await NotificationHost.EventuallyAsync(async () =>
            {
                var all = await second.DeliveriesAsync();
                return all.Count == 2 && all.All(d => d.State == DeliveryStates.Delivered) ? all : null;
            }, "both events delivered");

            var ids = receiver.Requests.Select(r => r.Headers["X-EmrPortal-Event-Id"]).ToList();
            Assert.Equal(2, ids.Count);
            Assert.Single(ids, id => id == firstEvent);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }
}

/// <summary>Two proxy instances on one real PostgreSQL database: the lease lets exactly one deliver each event.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryLeaseTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_instances_on_PostgreSQL_deliver_each_event_exactly_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responder = async (_, ct) =>
        {
            await Task.Delay(200, ct); // a slow receiver widens the window in which two workers could both send
            return (200, "ok");
        };
        var connectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        // The send timeout is the production default (the suite's 3 s is for tests of timeouts): on a loaded machine a
        // 200 ms receiver answered after 3 s once, the send timed out and was retried, and the test counted an attempt
        // that says nothing about two instances sharing the outbox.
        var settings = NotificationHost.Settings(("Portal:Database", "Postgres"), ("ConnectionStrings:portaldb", connectionString),
            ("Notifications:RequestTimeout", "00:00:10"));
        await using var a = new ProxyHost(settings, InsightsHost.NoThrottling);
        await using var b = new ProxyHost(settings, sharedEmulator: a.Emulator);
        var snapshot = await a.LoadAsync();
        await b.LoadAsync();
        var destination = await a.CreateDestinationAsync("shared", WebhookFormats.Generic, receiver.Url("/shared"));
        await b.CreateRuleAsync("admin", new { kind = "session-error", destinationIds = new[] { destination.Id } });

        foreach (var session in snapshot.Healthy().Take(3))
        {
            await a.FailInEmulatorAsync(session.SessionClusterId);
        }

        await a.RescanAsync(NotificationHost.Workspace);
        await b.RescanAsync(NotificationHost.Workspace);
        var deliveries = await NotificationHost.EventuallyAsync(async () =>
        {
            var all = await b.DeliveriesAsync();
            return all.Count == 3 && all.All(d => d.State == DeliveryStates.Delivered) ? all : null;
        }, "three delivered deliveries");

        var ids = receiver.Requests.Select(r => r.Headers["X-EmrPortal-Event-Id"]).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(deliveries.Select(d => d.EventId).Order(), ids.Order());
        Assert.All(deliveries, d => Assert.Equal(1, d.Attempts));
    }
}

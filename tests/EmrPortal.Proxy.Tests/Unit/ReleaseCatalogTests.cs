using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>
/// The release list behind the drift badge: loaded once, answered from memory while fresh (every page asks), refreshed
/// in the background after <see cref="ReleaseCatalog.Ttl"/> while the old answer is served, retried after
/// <see cref="ReleaseCatalog.FailureBackoff"/> when a load fails.
/// </summary>
public sealed class ReleaseCatalogTests
{
    private readonly FakeEmrClient _client = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));

    private ReleaseCatalog Catalog() => new(_client, _time, new RunningLifetime(), NullLogger<ReleaseCatalog>.Instance);

    private static ReleaseVersion Online(string version) => new() { Version = version, State = "ONLINE" };

    [Fact]
    public async Task A_fresh_list_is_answered_from_memory_and_a_stale_one_is_served_while_it_reloads()
    {
        _client.Releases = [Online("esr-4.0.0"), Online("esr-3.1.0")];
        var catalog = Catalog();
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("esr-4.0.0", (await catalog.NewestOnlineAsync(ct))?.ToString());
        for (var i = 0; i < 5; i++)
        {
            catalog.Prefetch();
            Assert.Equal(2, catalog.OnlineVersions()!.Count);
            Assert.NotNull(await catalog.NewestOnlineAsync(ct));
        }

        Assert.Equal(1, _client.ReleaseCalls);

        // Past the TTL: the old answer still comes at once, and one reload starts.
        _client.Releases = [Online("esr-5.0.0"), Online("esr-4.0.0"), Online("esr-3.1.0")];
        _time.Advance(ReleaseCatalog.Ttl);
        Assert.Equal("esr-4.0.0", (await catalog.NewestOnlineAsync(ct))?.ToString());
        await WaitFor(() => catalog.OnlineVersions()!.Count == 3);
        Assert.Equal("esr-5.0.0", (await catalog.NewestOnlineAsync(ct))?.ToString());
        Assert.Equal(2, _client.ReleaseCalls);
    }

    [Fact]
    public async Task A_failed_load_is_retried_after_the_backoff_not_on_every_page()
    {
        _client.FailReleases = true;
        var catalog = Catalog();
        var ct = TestContext.Current.CancellationToken;

        Assert.Null(await catalog.NewestOnlineAsync(ct));
        for (var i = 0; i < 5; i++)
        {
            catalog.Prefetch();
            Assert.Null(catalog.OnlineVersions());
        }

        Assert.Equal(1, _client.ReleaseCalls);

        _client.FailReleases = false;
        _client.Releases = [Online("esr-4.0.0")];
        _time.Advance(ReleaseCatalog.FailureBackoff);
        catalog.Prefetch();
        await WaitFor(() => catalog.OnlineVersions() is { Count: 1 });
        Assert.Equal(2, _client.ReleaseCalls);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        // Polls the state the background load publishes (bounded: a generous minute on a loaded machine).
        for (var i = 0; i < 6000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}

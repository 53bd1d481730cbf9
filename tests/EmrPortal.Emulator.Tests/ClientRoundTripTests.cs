using System.Net;
using EmrPortal.Emr;
using EmrPortal.Emr.Http;
using EmrPortal.Emr.Models;
using EmrPortal.Emulator.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmrPortal.Emulator.Tests;

/// <summary>The real client library (EmrPortal.Emr) against the in-process emulator: every operation round-trips.</summary>
public sealed class ClientRoundTripTests : IClassFixture<ClientRoundTripTests.Fixture>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly IEmrServerlessSparkClient _client;

    public ClientRoundTripTests(Fixture fixture) => _client = fixture.Client;

    public sealed class Fixture : IDisposable
    {
        private readonly ServiceProvider _services;

        public Fixture()
        {
            Factory = new EmulatorFactory();
            Factory.StartServer();
            var services = new ServiceCollection();
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            services.AddEmrServerlessSparkClient(o =>
                {
                    o.Endpoint = "http://localhost";
                    o.RegionId = "cn-hangzhou";
                    o.AccessKeyId = EmulatorFactory.DemoKey.AccessKeyId;
                    o.AccessKeySecret = EmulatorFactory.DemoKey.Secret;
                    o.MaxAttempts = 1;
                })
                .ConfigurePrimaryHttpMessageHandler(() => Factory.Server.CreateHandler());
            _services = services.BuildServiceProvider();
            Client = _services.GetRequiredService<IEmrServerlessSparkClient>();
        }

        public EmulatorFactory Factory { get; }

        public IEmrServerlessSparkClient Client { get; }

        public void Dispose()
        {
            _services.Dispose();
            Factory.Dispose();
        }
    }

    [Fact]
    public async Task ListWorkspaces_round_trips()
    {
        var response = await _client.ListWorkspacesAsync(cancellationToken: Ct);

        Assert.Equal(["w-test", "w-other"], response.Workspaces!.Select(w => w.WorkspaceId));
        Assert.NotNull(response.Workspaces![0].CreateTime);
        Assert.False(string.IsNullOrEmpty(response.RequestId));
    }

    [Fact]
    public async Task ListSessionClusters_pages_and_the_pager_reads_every_session()
    {
        var first = await _client.ListSessionClustersAsync(new ListSessionClustersRequest("w-test") { MaxResults = 10 }, Ct);
        var all = new List<SessionCluster>();
        await foreach (var session in _client.ListAllSessionClustersAsync(new ListSessionClustersRequest("w-test") { MaxResults = 7 }, Ct))
        {
            all.Add(session);
        }

        Assert.Equal(10, first.SessionClusters!.Count);
        Assert.Equal(45, first.TotalCount);
        Assert.Equal(45, all.Select(s => s.SessionClusterId).Distinct().Count());
        Assert.All(all, s => Assert.NotNull(s.GmtCreate));
    }

    [Fact]
    public async Task ListSessionClusters_filters_round_trip()
    {
        var sql = await _client.ListSessionClustersAsync(new ListSessionClustersRequest("w-test") { Kind = "SQL", QueueName = "dev_queue", MaxResults = 100 }, Ct);

        Assert.All(sql.SessionClusters!, s => Assert.Equal(("SQL", "dev_queue"), (s.Kind, s.QueueName)));
    }

    [Fact]
    public async Task GetSessionCluster_round_trips_and_unknown_ids_raise_the_emulators_code()
    {
        var id = (await _client.ListSessionClustersAsync(new ListSessionClustersRequest("w-test") { MaxResults = 1 }, Ct)).SessionClusters![0].SessionClusterId!;

        var detail = await _client.GetSessionClusterAsync("w-test", id, Ct);
        var missing = await Assert.ThrowsAsync<EmrApiException>(() => _client.GetSessionClusterAsync("w-test", "sc-none", Ct));

        Assert.Equal(id, detail.SessionCluster!.SessionClusterId);
        Assert.Equal((HttpStatusCode.NotFound, "SessionClusterNotFound"), (missing.HttpStatus, missing.Code));
    }

    [Fact]
    public async Task Queues_and_release_versions_round_trip()
    {
        var queues = await _client.ListWorkspaceQueuesAsync("w-test", "dev", Ct);
        var releases = await _client.ListReleaseVersionsAsync(cancellationToken: Ct);

        Assert.Contains(queues.Queues!, q => q.QueueName == "dev_queue");
        Assert.Contains(releases.ReleaseVersions!, r => r.Version == "esr-4.0.0" && r.DisplayReleaseVersion!.Contains("Spark", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_and_stop_round_trip()
    {
        var sessions = (await _client.ListSessionClustersAsync(new ListSessionClustersRequest("w-other") { MaxResults = 100 }, Ct)).SessionClusters!;
        var id = sessions[0].SessionClusterId!;

        var stop = await _client.StopSessionClusterAsync("w-other", id, null, Ct);
        var afterStop = await _client.GetSessionClusterAsync("w-other", id, Ct);
        var start = await _client.StartSessionClusterAsync("w-other", sessions[1].SessionClusterId!, "root_queue", Ct);

        Assert.Equal(id, stop.SessionClusterId);
        Assert.Contains(afterStop.SessionCluster!.State, new[] { "Stopping", "Stopped" });
        Assert.Equal(sessions[1].SessionClusterId, start.SessionClusterId);
    }
}

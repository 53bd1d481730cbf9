using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmrPortal.Bench;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Entities;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Timeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmrPortal.Benchmarks;


/// <summary>
/// <c>notify [--results file.json] [--sessions 10000] [--refreshes 15]</c>: what detection and the outbox add to one
/// snapshot refresh of a large workspace, in process on SQLite (the embedded default). Two identical workspaces are
/// recorded refresh after refresh (1 % of sessions change state each time, half of them into Error); one has no
/// rules, the other three typical rules (errors, a 12-hour long-running threshold, a watched view). The refresh is
/// what the proxy does in process for each refresh (snapshot build + recording); detection is the difference between
/// the two recordings. The upstream scan (network) is not in the baseline, so the ratio is an upper bound.
/// </summary>
internal static class NotificationCost
{
    public static int Run(string[] args, string? resultsPath) => RunAsync(args, resultsPath).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args, string? resultsPath)
    {
        var n = int.Parse(Option(args, "--sessions") ?? "10000", CultureInfo.InvariantCulture);
        var refreshes = int.Parse(Option(args, "--refreshes") ?? "15", CultureInfo.InvariantCulture);
        var directory = Path.Combine(Path.GetTempPath(), "emrportal-bench-notify-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory, Args = [] });
            builder.Logging.ClearProviders();
            builder.Configuration["ConnectionStrings:portaldb"] = $"Data Source={Path.Combine(directory, "bench.db")}";
            builder.AddPortalDatabase();
            using var host = builder.Build();
            await host.StartAsync();
            var factory = host.Services.GetRequiredService<IPortalDbFactory>();
            var notificationOptions = new Monitor<NotificationOptions>(new NotificationOptions());
            var detector = new NotificationDetector(
                new NotificationEnvelopes(new Redactor(new Monitor<RedactionOptions>(new RedactionOptions())), notificationOptions),
                new ReleaseCatalog(null!, TimeProvider.System, host.Services.GetRequiredService<IHostApplicationLifetime>(), NullLogger<ReleaseCatalog>.Instance),
                new Monitor<CloudIdentityOptions>(new CloudIdentityOptions()),
                notificationOptions,
                new DispatchSignal(),
                TimeProvider.System);
            var plain = new SessionHistoryStore(factory);
            var observed = new SessionHistoryStore(factory, [detector]);
            await SeedRulesAsync(factory);

            var sessions = SyntheticSessions.Summaries(n, seed: 21);
            var asOf = DateTimeOffset.UtcNow.AddHours(-1);
            var initial = sessions.Select(SessionHistoryMapping.ToObserved).ToList();
            await plain.RecordAsync("w-plain", asOf, initial, CancellationToken.None);
            await observed.RecordAsync("w-notify", asOf, initial, CancellationToken.None);

            var random = new Random(5);
            var changes = Math.Max(1, n / 100);
            var build = new List<double>();
            var record = new List<double>();
            var withDetection = new List<double>();
            for (var i = 0; i < refreshes + 2; i++)
            {
                sessions = Mutate(sessions, changes, random);
                asOf = asOf.AddSeconds(15);
                var start = Stopwatch.GetTimestamp();
                Snapshot.Build("w-notify", sessions, asOf, n / 100, TimeSpan.Zero);
                var observedSessions = sessions.Select(SessionHistoryMapping.ToObserved).ToList(); // as the recorder does
                var b = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                await plain.RecordAsync("w-plain", asOf, observedSessions, CancellationToken.None);
                var p = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                await observed.RecordAsync("w-notify", asOf, observedSessions, CancellationToken.None);
                var o = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= 2)
                {
                    build.Add(b);
                    record.Add(p);
                    withDetection.Add(o);
                }
            }

            int events;
            await using (var db = factory.CreateDbContext())
            {
                events = db.OutboxEvents.Count();
            }

            var detection = Median(withDetection.Zip(record, (o, p) => Math.Max(0, o - p)).ToList());
            var baseline = Median(build.Zip(record, (b, p) => b + p).ToList());
            var result = new NotificationCostResults(DateTimeOffset.UtcNow, n, refreshes, changes, 3,
                Median(build), Median(record), Median(withDetection), detection, detection / baseline, events);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"notify n={n}: refresh (build {result.BuildMedianMs:F1} ms + record {result.RecordMedianMs:F1} ms) | detection+outbox {result.DetectionMedianMs:F2} ms | ratio {result.Ratio:F3} | {events} events over {refreshes + 2} refreshes"));
            if (resultsPath is not null)
            {
                var full = Path.GetFullPath(resultsPath);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllBytesAsync(full, JsonSerializer.SerializeToUtf8Bytes(result, BenchJsonContext.Default.NotificationCostResults));
            }

            await host.StopAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task SeedRulesAsync(IPortalDbFactory factory)
    {
        await using var db = factory.CreateDbContext();
        var now = DateTimeOffset.UtcNow.AddDays(-1);
        var view = new SavedView { Id = Guid.NewGuid(), WorkspaceId = "w-notify", Name = "dev running", Query = "state=Running&queue=dev", CreatedBy = "bench", CreatedAt = now };
        db.SavedViews.Add(view);
        foreach (var (kind, hours, viewId) in new (string, int?, Guid?)[] { (RuleKinds.SessionError, null, null), (RuleKinds.LongRunning, 12, null), (RuleKinds.ViewMembership, null, view.Id) })
        {
            db.NotificationRules.Add(new NotificationRule
            {
                Id = Guid.NewGuid(),
                WorkspaceId = "w-notify",
                OwnerId = "bench",
                Kind = kind,
                Name = kind,
                Hours = hours,
                ViewId = viewId,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>A copy with <paramref name="count"/> sessions moved to another state (half into Error).</summary>
    private static SessionSummaryDto[] Mutate(SessionSummaryDto[] sessions, int count, Random random)
    {
        var copy = (SessionSummaryDto[])sessions.Clone();
        for (var i = 0; i < count; i++)
        {
            var index = random.Next(copy.Length);
            var state = i % 2 == 0 ? SessionStates.Error : copy[index].State == SessionStates.Running ? SessionStates.Stopped : SessionStates.Running;
            copy[index] = copy[index] with { State = state, StateChangeReasonCode = state == SessionStates.Error ? "1000007" : null };
        }

        return copy;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue { get; } = value;

        public T Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}

using System.Globalization;
using EmrPortal.Contracts;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Benchmarks;

/// <summary>
/// Deterministic cloud-shaped sessions for in-process benchmarks, drawn from the same vocabulary and weights as the
/// emulator's seeder (owners, queues, kinds, states, releases), so sort keys have realistic duplicates and the
/// filters realistic selectivity. Summaries go through the proxy's real allow-list (<see cref="SessionMapper"/>).
/// </summary>
public static class SyntheticSessions
{
    private static readonly string[] Owners =
    [
        "alice.chen", "bob.li", "carol.wang", "dmitri.volkov", "emma.schmidt", "farid.haddad", "grace.okafor", "hiro.tanaka",
        "isabel.garcia", "jun.zhao", "kavya.iyer", "liam.obrien", "mei.lin", "nikolai.petrov", "olga.nowak", "pedro.santos",
        "qian.liu", "ramesh.kumar", "sofia.rossi", "tomas.novak", "uma.patel", "victor.dubois", "wen.huang", "yusuf.demir",
        "etl-service", "bi-scheduler",
    ];

    private static readonly (string Value, int Weight)[] Queues =
        [("root_queue", 30), ("dev_queue", 30), ("prod_queue", 20), ("etl_queue", 8), ("adhoc_queue", 7), ("ml_queue", 5)];

    private static readonly (string Value, int Weight)[] Kinds = [("SQL", 45), ("NOTEBOOK", 35), ("THRIFT", 20)];

    private static readonly (string Value, int Weight)[] States =
        [("Running", 36), ("Stopped", 34), ("Starting", 7), ("Stopping", 6), ("Error", 16), ("Upgrading", 1)];

    private static readonly (string Value, int Weight)[] Releases =
    [
        ("esr-2.1.1", 2), ("esr-2.2.0", 4), ("esr-2.4.0", 6), ("esr-3.0.1", 8), ("esr-3.1.0", 10), ("esr-3.3.1", 12),
        ("esr-4.0.0", 20), ("esr-4.1.0", 18), ("esr-4.2.0", 6),
    ];

    private static readonly string[] Teams = ["bi", "etl", "ml", "risk", "growth", "ops", "data", "fin", "ads", "search"];

    private static readonly string[] Subjects =
    [
        "orders", "customers", "clickstream", "payments", "inventory", "campaigns", "sessions", "fraud", "revenue",
        "churn", "recommendations", "logistics", "pricing", "attribution", "ledger", "sensors", "reviews", "returns",
    ];

    private static readonly string[] Purposes =
        ["adhoc", "daily", "hourly", "backfill", "dashboard", "explore", "report", "audit", "features", "training", "sync", "qa"];

    /// <summary>Free-text probes used by benchmarks and the load driver (some hit many sessions, some few, some none).</summary>
    public static readonly string[] SearchTerms = ["orders", "alice", "etl", "dev_queue", "sc-0a", "fraud_daily", "zzz-none", "ml"];

    public static string WorkspaceId => "w-bench";

    /// <summary><paramref name="count"/> sessions as ListSessionClusters returns them (secret-bearing fields included).</summary>
    public static List<SessionCluster> Clusters(int count, int seed = 20250115)
    {
        var random = new Random(seed);
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var result = new List<SessionCluster>(count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            string id;
            do
            {
                id = "sc-" + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
            }
            while (!ids.Add(id));

            var kind = Weighted(random, Kinds);
            var state = Weighted(random, States);
            var owner = Owners[random.Next(Owners.Length)];
            var created = now.AddSeconds(-random.Next(60, 365 * 86_400));
            DateTimeOffset? started = state is "Stopped" && random.NextDouble() < 0.3 ? null : created.AddSeconds(random.Next(1, 86_400));
            var subject = Subjects[random.Next(Subjects.Length)];
            var name = kind == "NOTEBOOK"
                ? $"{owner.Split('.')[0]}_{subject}_notebook"
                : $"{Teams[random.Next(Teams.Length)]}_{subject}_{Purposes[random.Next(Purposes.Length)]}";
            if (random.NextDouble() < 0.5)
            {
                name += "_" + random.Next(1, 100).ToString("00", CultureInfo.InvariantCulture);
            }

            var release = Weighted(random, Releases);
            result.Add(new SessionCluster
            {
                WorkspaceId = WorkspaceId,
                SessionClusterId = id,
                Name = name,
                UserId = (203948571029384L + Array.IndexOf(Owners, owner)).ToString(CultureInfo.InvariantCulture),
                UserName = owner,
                QueueName = Weighted(random, Queues),
                Kind = kind,
                State = state,
                StateChangeReason = new StateChangeReason { Code = "200", Message = "ok" },
                AutoStartConfiguration = new AutoStartConfiguration { Enable = random.NextDouble() < 0.4 },
                AutoStopConfiguration = new AutoStopConfiguration { Enable = true, IdleTimeoutMinutes = 45 },
                ApplicationConfigs =
                [
                    new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.driver.cores", ConfigItemValue = "2" },
                    new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.driver.memory", ConfigItemValue = "8g" },
                    new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.executor.cores", ConfigItemValue = "2" },
                    new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.executor.memory", ConfigItemValue = "8g" },
                ],
                ReleaseVersion = release,
                DisplayReleaseVersion = $"{release} (Spark 3.5.2, Scala 2.12)",
                WebUI = $"https://emr-spark-ui.cn-hangzhou.aliyuncs.com/workspace/{WorkspaceId}/sessionCluster/{id}/sparkui",
                Domain = kind == "NOTEBOOK" ? null : $"emr-spark-gateway-{id}.cn-hangzhou.emr.aliyuncs.com",
                Fusion = random.NextDouble() < 0.4,
                GmtCreate = created,
                StartTime = started,
                Extra = "{}",
                PublicEndpointEnabled = kind != "NOTEBOOK",
                ConnectionToken = kind == "NOTEBOOK" ? null : "ct-" + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
            });
        }

        return result;
    }

    /// <summary>The same sessions as the proxy caches them (allow-listed summaries).</summary>
    public static SessionSummaryDto[] Summaries(int count, int seed = 20250115) =>
        [.. Clusters(count, seed).Select(c => SessionMapper.ToSummary(c, WorkspaceId))];

    private static string Weighted(Random random, (string Value, int Weight)[] choices)
    {
        var total = 0;
        foreach (var c in choices)
        {
            total += c.Weight;
        }

        var pick = random.Next(total);
        foreach (var (value, weight) in choices)
        {
            if (pick < weight)
            {
                return value;
            }

            pick -= weight;
        }

        return choices[^1].Value;
    }
}

using EmrPortal.Contracts;
using EmrPortal.Emr.Models;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>Deterministic synthetic sessions with many ties, mixed case, missing values and duplicate times.</summary>
internal static class SyntheticSessions
{
    private static readonly string?[] Names = ["etl_daily", "ETL_daily", "adhoc", "Adhoc", "zeta", "alpha", "", null, "report_01", "report_1", "Ä-umlaut", "émile"];
    private static readonly string?[] States = [SessionStates.Running, SessionStates.Stopped, SessionStates.Starting, SessionStates.Error, SessionStates.Stopping, null, "Paused"];
    private static readonly string?[] Kinds = [SessionKinds.Sql, SessionKinds.Notebook, SessionKinds.Thrift, null];
    private static readonly string?[] Queues = ["root_queue", "dev_queue", "prod_queue", null, "Dev_Queue"];
    private static readonly string?[] Users = ["alice", "Bob", "bob", "carol.d", null, "dave", ""];
    private static readonly string?[] Releases = ["esr-2.1", "esr-4.0.0", "esr-3.3.1", null, "ESR-2.1"];

    public static List<SessionCluster> Clusters(string workspaceId, int count, int seed = 42)
    {
        var random = new Random(seed);
        var baseTime = new DateTimeOffset(2025, 1, 15, 8, 0, 0, TimeSpan.Zero);
        var result = new List<SessionCluster>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(new SessionCluster
            {
                WorkspaceId = workspaceId,
                SessionClusterId = $"sc-{random.Next(0, int.MaxValue):x8}{i:x5}",
                Name = Pick(random, Names),
                State = Pick(random, States),
                Kind = Pick(random, Kinds),
                QueueName = Pick(random, Queues),
                UserName = Pick(random, Users),
                UserId = random.Next(0, 50).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ReleaseVersion = Pick(random, Releases),
                // Few distinct minutes: many equal times, so the tie-break matters.
                GmtCreate = random.Next(0, 10) == 0 ? null : baseTime.AddMinutes(random.Next(0, 300)),
                StartTime = random.Next(0, 5) == 0 ? null : baseTime.AddMinutes(random.Next(0, 300)),
                ConnectionToken = "ct-" + i.ToString("x40", System.Globalization.CultureInfo.InvariantCulture),
                ApplicationConfigs = [new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.hadoop.fs.oss.accessKeySecret", ConfigItemValue = "s3cr3t-" + i }],
            });
        }

        return result;
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}

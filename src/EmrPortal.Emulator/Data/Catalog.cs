namespace EmrPortal.Emulator.Data;

/// <summary>Fixed reference data the seeder draws from: people, queues, release versions, vocabulary.</summary>
internal static class Catalog
{
    public static readonly IReadOnlyList<(string UserId, string UserName)> Owners =
    [
        ("203948571029384", "alice.chen"), ("203948571029385", "bob.li"), ("203948571029386", "carol.wang"),
        ("203948571029387", "dmitri.volkov"), ("203948571029388", "emma.schmidt"), ("203948571029389", "farid.haddad"),
        ("203948571029390", "grace.okafor"), ("203948571029391", "hiro.tanaka"), ("203948571029392", "isabel.garcia"),
        ("203948571029393", "jun.zhao"), ("203948571029394", "kavya.iyer"), ("203948571029395", "liam.obrien"),
        ("203948571029396", "mei.lin"), ("203948571029397", "nikolai.petrov"), ("203948571029398", "olga.nowak"),
        ("203948571029399", "pedro.santos"), ("203948571029400", "qian.liu"), ("203948571029401", "ramesh.kumar"),
        ("203948571029402", "sofia.rossi"), ("203948571029403", "tomas.novak"), ("203948571029404", "uma.patel"),
        ("203948571029405", "victor.dubois"), ("203948571029406", "wen.huang"), ("203948571029407", "yusuf.demir"),
        ("1289374650012", "etl-service"), ("1289374650013", "bi-scheduler"),
    ];

    public static readonly IReadOnlyList<(string Value, int Weight)> Queues =
    [
        ("root_queue", 30), ("dev_queue", 30), ("prod_queue", 20), ("etl_queue", 8), ("adhoc_queue", 7), ("ml_queue", 5),
    ];

    public static readonly IReadOnlyList<(string Value, int Weight)> Kinds = [("SQL", 45), ("NOTEBOOK", 35), ("THRIFT", 20)];

    /// <summary>All five documented states plus one the models do not know (clients must keep it as "unknown").</summary>
    public static readonly IReadOnlyList<(string Value, int Weight)> States =
    [
        ("Running", 36), ("Stopped", 34), ("Starting", 7), ("Stopping", 6), ("Error", 16), ("Upgrading", 1),
    ];

    /// <summary>
    /// Both shapes the cloud uses: <c>esr-2.1</c> (two parts, the documented example; the SDK's example display is
    /// <c>esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)</c>) and <c>esr-4.0.0</c> with <c>esr-4.0.0 (Spark 3.5.2, Scala 2.12)</c>.
    /// </summary>
    public static readonly IReadOnlyList<(string Version, string Display, string Spark, string State, string Type, bool Fusion, int Weight)> Releases =
    [
        ("esr-2.1", "esr-2.1 (Spark 3.3.1, Scala 2.12, Java Runtime)", "Spark 3.3.1", "OFFLINE", "stable", false, 2),
        ("esr-2.2", "esr-2.2 (Spark 3.3.1, Scala 2.12)", "Spark 3.3.1", "ONLINE", "stable", false, 4),
        ("esr-2.4.0", "esr-2.4.0 (Spark 3.3.1, Scala 2.12)", "Spark 3.3.1", "ONLINE", "stable", true, 6),
        ("esr-3.0.1", "esr-3.0.1 (Spark 3.4.3, Scala 2.12)", "Spark 3.4.3", "ONLINE", "stable", true, 8),
        ("esr-3.1.0", "esr-3.1.0 (Spark 3.4.3, Scala 2.12)", "Spark 3.4.3", "ONLINE", "stable", true, 10),
        ("esr-3.3.1", "esr-3.3.1 (Spark 3.4.4, Scala 2.12)", "Spark 3.4.4", "ONLINE", "stable", true, 12),
        ("esr-4.0.0", "esr-4.0.0 (Spark 3.5.2, Scala 2.12)", "Spark 3.5.2", "ONLINE", "stable", true, 20),
        ("esr-4.1.0", "esr-4.1.0 (Spark 3.5.2, Scala 2.12)", "Spark 3.5.2", "ONLINE", "stable", true, 18),
        ("esr-4.2.0", "esr-4.2.0 (Spark 3.5.2, Scala 2.12)", "Spark 3.5.2", "ONLINE", "beta", true, 6),
    ];

    /// <summary>
    /// What ListReleaseVersions' <c>serviceFilter</c> matches. The parameter is in the SDK (2025) without any
    /// documentation of its values: this mapping is the emulator's guess (docs/emulator.md).
    /// </summary>
    public static IReadOnlyList<string> ServicesOf(string version) =>
        version.StartsWith("esr-2.", StringComparison.Ordinal) ? ["spark", "livy"] : ["spark", "livy", "kyuubi"];

    public static readonly IReadOnlyList<string> Teams = ["bi", "etl", "ml", "risk", "growth", "ops", "data", "fin", "ads", "search"];

    public static readonly IReadOnlyList<string> Subjects =
    [
        "orders", "customers", "clickstream", "payments", "inventory", "campaigns", "sessions", "fraud", "revenue",
        "churn", "recommendations", "logistics", "pricing", "attribution", "ledger", "sensors", "reviews", "returns",
    ];

    public static readonly IReadOnlyList<string> Purposes =
    [
        "adhoc", "daily", "hourly", "backfill", "dashboard", "explore", "report", "audit", "features", "training", "sync", "qa",
    ];

    public static readonly IReadOnlyList<(string Code, string Message)> ErrorReasons =
    [
        ("1000003", "Driver pod was OOMKilled (exit code 137)."),
        ("1000005", "Failed to allocate resources: queue quota exceeded."),
        ("1000007", "Spark driver exited unexpectedly; see driver log."),
        ("1000011", "Image pull failed for the selected release version."),
    ];

    public static readonly IReadOnlyList<(string Code, string Message)> StoppedReasons =
    [
        ("1000000", "Stopped by user."),
        ("1000001", "Auto stopped after being idle."),
        ("1000002", "Stopped by workspace administrator."),
    ];
}

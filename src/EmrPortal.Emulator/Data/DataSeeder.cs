using System.Globalization;
using EmrPortal.Emulator.Options;

namespace EmrPortal.Emulator.Data;

/// <summary>
/// Builds the deterministic data set: the same seed gives the same ids, names, owners, configs and states.
/// Times are laid out backwards from <c>now</c> so the data always looks recent.
/// </summary>
internal static class DataSeeder
{
    public static List<WorkspaceData> Seed(SeedOptions seed, string regionId, DateTimeOffset now)
    {
        // Whole seconds, like the cloud's timestamps.
        var origin = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        return [.. seed.EffectiveWorkspaces.Select((ws, index) => SeedWorkspace(ws, index, seed, regionId, origin, usedIds))];
    }

    private static WorkspaceData SeedWorkspace(
        WorkspaceSeedOptions options, int index, SeedOptions seed, string regionId, DateTimeOffset now, HashSet<string> usedIds)
    {
        var random = new SeededRandom(SeededRandom.Mix(seed.RandomSeed, options.Id));
        var created = now.AddDays(-random.Next(200, 900)).AddSeconds(-random.Next(86_400));
        var workspace = new WorkspaceDto
        {
            WorkspaceId = options.Id,
            WorkspaceName = options.Name,
            WorkspaceStatus = "RUNNING",
            RegionId = regionId,
            ResourceSpec = $"{random.Pick([100, 200, 400, 1000])}cu",
            Storage = $"oss://emr-spark-{options.Id}-{regionId}/warehouse",
            DlfCatalogId = $"clg-paimon-{random.Hex(16)}",
            DlfType = "dlf2.0",
            PaymentType = index % 3 == 2 ? "Subscription" : "PayAsYouGo",
            PaymentStatus = "NORMAL",
            PaymentDurationUnit = index % 3 == 2 ? "Month" : null,
            Duration = index % 3 == 2 ? 12 : null,
            AutoRenew = index % 3 == 2 ? true : null,
            AutoRenewPeriod = index % 3 == 2 ? 1 : null,
            AutoRenewPeriodUnit = index % 3 == 2 ? "Month" : null,
            CreateTime = created.ToUnixTimeMilliseconds(),
            EndTime = index % 3 == 2 ? created.AddYears(3).ToUnixTimeMilliseconds() : null,
            ReleaseType = "PRODUCTION",
            StateChangeReason = new StateChangeReasonDto("200", "ok"),
            Tags = [.. (options.Tags.Count > 0 ? options.Tags : DefaultTags(options.Id)).Select(t => new WorkspaceTagDto(t.Key, t.Value))],
        };

        var queues = SeedQueues(options.Id, regionId, created, random);
        var sessions = new List<SessionRecord>(options.Sessions + 8);
        for (var i = 0; i < options.Sessions; i++)
        {
            sessions.Add(SeedSession(options.Id, regionId, now, created, random, usedIds));
        }

        if (seed.Hostile)
        {
            sessions.AddRange(HostileSessions(options.Id, regionId, now, random, usedIds));
        }

        // Newest first, ties by id: a stable order that offsets in nextToken can rely on.
        sessions.Sort((a, b) =>
        {
            var byCreate = (b.Template.GmtCreate ?? 0).CompareTo(a.Template.GmtCreate ?? 0);
            return byCreate != 0 ? byCreate : string.CompareOrdinal(a.Id, b.Id);
        });
        return new WorkspaceData(workspace, sessions, queues);
    }

    /// <summary>Tags of the default workspaces (configured workspaces bring their own, or none).</summary>
    private static Dictionary<string, string> DefaultTags(string workspaceId) => workspaceId switch
    {
        "w-analytics" => new() { ["env"] = "prod", ["team"] = "bi" },
        "w-marketing" => new() { ["env"] = "prod", ["team"] = "growth" },
        "w-finance" => new() { ["env"] = "prod", ["team"] = "fin", ["cost-center"] = "cc-1024" },
        "w-large" => new() { ["env"] = "test", ["team"] = "data" },
        _ => [],
    };

    private static List<WorkspaceQueueDto> SeedQueues(string workspaceId, string regionId, DateTimeOffset created, SeededRandom random)
    {
        (string Name, string Type, string[] Environments, int Cpu)[] shapes =
        [
            ("root_queue", "instance", ["dev", "production"], 400),
            ("dev_queue", "instanceChildren", ["dev"], 100),
            ("prod_queue", "instanceChildren", ["production"], 200),
            ("etl_queue", "instanceChildren", ["production"], 64),
            ("adhoc_queue", "instanceChildren", ["dev"], 32),
            ("ml_queue", "instanceChildren", ["dev", "production"], 96),
        ];
        return
        [
            .. shapes.Select(shape =>
            {
                var used = random.Next(0, shape.Cpu);
                return new WorkspaceQueueDto
                {
                    QueueName = shape.Name,
                    QueueType = shape.Type,
                    QueueStatus = "RUNNING",
                    PaymentType = "PayAsYouGo",
                    Environments = shape.Environments,
                    WorkspaceId = workspaceId,
                    RegionId = regionId,
                    CreateTime = created.AddMinutes(random.Next(5, 600)).ToUnixTimeMilliseconds(),
                    Creator = random.Pick(Catalog.Owners).UserId,
                    Properties = "{}",
                    Preheat = false,
                    MaxResource = $"{{\"cpu\": \"{shape.Cpu}\",\"memory\": \"{shape.Cpu * 4}Gi\"}}",
                    MinResource = "{\"cpu\": \"0\",\"memory\": \"0Gi\"}",
                    UsedResource = $"{{\"cpu\": \"{used}\",\"memory\": \"{used * 4}Gi\"}}",
                    QueueScope = "{\"arch\": \"x86\"}",
                    AllowActions =
                    [
                        new QueueAllowActionDto(
                            $"acs:emr::workspaces/{workspaceId}/queues/{shape.Name}", "view", [], "View the queue", "View"),
                    ],
                };
            }),
        ];
    }

    internal static SessionRecord SeedSession(
        string workspaceId, string regionId, DateTimeOffset now, DateTimeOffset workspaceCreated, SeededRandom random, HashSet<string> usedIds)
    {
        var id = NewId(random, usedIds);
        var kind = random.Weighted(Catalog.Kinds);
        var owner = random.Pick(Catalog.Owners);
        var state = random.Weighted(Catalog.States);
        var release = random.Weighted([.. Catalog.Releases.Select(r => (r, r.Weight))]);
        var ageSeconds = (long)Math.Min((now - workspaceCreated).TotalSeconds - 60, 365L * 86_400);
        var gmtCreate = now.AddSeconds(-(long)(random.NextDouble() * ageSeconds) - 60);
        long? startTime = state switch
        {
            "Running" or "Starting" or "Stopping" or "Error" or "Upgrading" =>
                gmtCreate.AddSeconds(random.NextDouble() * (now - gmtCreate).TotalSeconds).ToUnixTimeMilliseconds(),
            _ when random.Chance(0.7) =>
                gmtCreate.AddSeconds(random.NextDouble() * (now - gmtCreate).TotalSeconds).ToUnixTimeMilliseconds(),
            _ => null,
        };
        var reason = state switch
        {
            "Running" => new StateChangeReasonDto("200", "ok"),
            "Starting" => new StateChangeReasonDto("200", "Session cluster is starting."),
            "Stopping" => new StateChangeReasonDto("200", "Session cluster is stopping."),
            "Stopped" => ToReason(random.Pick(Catalog.StoppedReasons)),
            "Error" => ToReason(random.Pick(Catalog.ErrorReasons)),
            _ => new StateChangeReasonDto("1000020", "Session cluster is being upgraded to a new release."),
        };

        var hasEndpoint = kind is "THRIFT" or "SQL";
        var publicEndpoint = hasEndpoint && random.Chance(0.5);
        var active = state is not "Stopped";
        var template = new SessionClusterDto
        {
            WorkspaceId = workspaceId,
            SessionClusterId = id,
            Name = SessionName(kind, owner.UserName, random),
            UserId = owner.UserId,
            UserName = owner.UserName,
            QueueName = random.Weighted(Catalog.Queues),
            Kind = kind,
            State = state,
            StateChangeReason = reason,
            AutoStartConfiguration = random.Chance(0.95) ? new AutoStartConfigurationDto(random.Chance(0.4)) : null,
            AutoStopConfiguration = random.Chance(0.05)
                ? null
                : random.Chance(0.8)
                    ? new AutoStopConfigurationDto(true, random.Pick([15, 30, 45, 60, 120, 240]))
                    : new AutoStopConfigurationDto(false, 45),
            ApplicationConfigs = ApplicationConfigs(random),
            ReleaseVersion = release.Version,
            DisplayReleaseVersion = release.Display,
            WebUI = active ? $"https://emr-spark-ui.{regionId}.aliyuncs.com/workspace/{workspaceId}/sessionCluster/{id}/sparkui" : null,
            DraftId = random.Chance(0.25) ? $"TSK-{random.Hex(24)}" : null,
            Domain = hasEndpoint ? $"emr-spark-gateway-{id}.{regionId}.emr.aliyuncs.com" : null,
            DomainInner = hasEndpoint ? $"emr-spark-gateway-{id}-internal.{regionId}.emr.aliyuncs.com" : null,
            Fusion = release.Fusion && random.Chance(0.4),
            GmtCreate = gmtCreate.ToUnixTimeMilliseconds(),
            StartTime = startTime,
            Extra = random.Chance(0.6)
                ? "{}"
                : $"{{\"dataDiskSize\":\"{random.Pick([100, 200, 500])}Gi\",\"gateway\":\"{(kind == "THRIFT" ? "kyuubi" : "livy")}\"}}",
            PublicEndpointEnabled = hasEndpoint ? publicEndpoint : null,
            ConnectionToken = publicEndpoint ? $"ct-{random.Hex(40)}" : null,
            MaxConcurrency = random.Chance(0.1) ? random.Pick([8, 16, 32]) : null,
        };
        var envId = kind == "NOTEBOOK" && random.Chance(0.6) ? $"ev-{random.Hex(16)}" : null;
        return new SessionRecord(template, envId);
    }

    private static string NewId(SeededRandom random, HashSet<string> usedIds)
    {
        string id;
        do
        {
            id = "sc-" + random.Hex(16);
        }
        while (!usedIds.Add(id));

        return id;
    }

    private static StateChangeReasonDto ToReason((string Code, string Message) reason) => new(reason.Code, reason.Message);

    private static string SessionName(string kind, string userName, SeededRandom random)
    {
        var subject = random.Pick(Catalog.Subjects);
        var name = kind switch
        {
            "NOTEBOOK" => $"{userName.Split('.')[0]}_{subject}_{random.Pick(["notebook", "explore", "analysis", "scratch"])}",
            "THRIFT" => $"{random.Pick(Catalog.Teams)}_{subject}_thrift",
            _ => $"{random.Pick(Catalog.Teams)}_{subject}_{random.Pick(Catalog.Purposes)}",
        };
        return random.Chance(0.5) ? name + "_" + random.Next(1, 100).ToString("00", CultureInfo.InvariantCulture) : name;
    }

    private static List<ApplicationConfigDto> ApplicationConfigs(SeededRandom random)
    {
        const string defaults = "spark-defaults.conf";
        var cores = random.Pick([1, 2, 4, 8]);
        var configs = new List<ApplicationConfigDto>
        {
            new(defaults, "spark.driver.cores", cores.ToString(CultureInfo.InvariantCulture)),
            new(defaults, "spark.driver.memory", $"{cores * 4}g"),
            new(defaults, "spark.executor.cores", cores.ToString(CultureInfo.InvariantCulture)),
            new(defaults, "spark.executor.memory", $"{cores * 4}g"),
        };
        if (random.Chance(0.6))
        {
            configs.Add(new(defaults, "spark.dynamicAllocation.enabled", "true"));
            configs.Add(new(defaults, "spark.dynamicAllocation.maxExecutors", random.Pick(["10", "20", "50", "100"])));
        }

        if (random.Chance(0.3))
        {
            configs.Add(new(defaults, "spark.hadoop.fs.oss.accessKeyId", "LTAI5t" + random.Hex(18).ToUpperInvariant()));
            configs.Add(new(defaults, "spark.hadoop.fs.oss.accessKeySecret", random.Hex(30)));
        }

        if (random.Chance(0.15))
        {
            configs.Add(new(defaults, "spark.sql.catalog.password", "Pw-" + random.Hex(12)));
        }

        if (random.Chance(0.1))
        {
            configs.Add(new("hive-site.xml", "javax.jdo.option.ConnectionPassword", "hive-" + random.Hex(10)));
        }

        if (random.Chance(0.08))
        {
            configs.Add(new(defaults, "spark.kafka.sasl.token", "kt-" + random.Hex(24)));
        }

        if (random.Chance(0.2))
        {
            configs.Add(new(defaults, "spark.sql.shuffle.partitions", random.Pick(["200", "400", "1000"])));
        }

        return configs;
    }

    /// <summary>Sessions whose names and values try to break a portal: markup, bidi overrides, CR/LF, huge strings, formula injection.</summary>
    private static IEnumerable<SessionRecord> HostileSessions(
        string workspaceId, string regionId, DateTimeOffset now, SeededRandom random, HashSet<string> usedIds)
    {
        (string Name, string UserName, string ConfigValue, string? WebUi, string? Domain)[] shapes =
        [
            ("<script>alert('xss')</script>", "<img src=x onerror=alert(1)>", "</textarea><script>alert(2)</script>", null, null),
            ("invoice\u202Egnp.exe", "admin\u202E", "value\u202Ereversed", null, null),
            (new string('L', 5000), new string('u', 300), new string('v', 20_000), null, null),
            ("line1\r\nINJECTED 2025-01-01 fake log line", "ops\r\nuser", "a\r\nb\nc", null, null),
            ("link-test", "mallory", "ok", "javascript:alert(document.cookie)", "evil.example.com; rm -rf ~"),
            ("=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(1+1)", "+cmd|' /C calc'!A0", null, "-oProxyCommand=calc"),
        ];
        foreach (var shape in shapes)
        {
            var id = NewId(random, usedIds);
            var created = now.AddMinutes(-random.Next(10, 60 * 24 * 30));
            yield return new SessionRecord(
                new SessionClusterDto
                {
                    WorkspaceId = workspaceId,
                    SessionClusterId = id,
                    Name = shape.Name,
                    UserId = "666000" + random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
                    UserName = shape.UserName,
                    QueueName = "dev_queue",
                    Kind = "SQL",
                    State = "Running",
                    StateChangeReason = new StateChangeReasonDto("200", "<b>ok</b>\r\n"),
                    AutoStopConfiguration = new AutoStopConfigurationDto(true, 45),
                    ApplicationConfigs =
                    [
                        new("spark-defaults.conf", "spark.app.name", shape.ConfigValue),
                        new("spark-defaults.conf", "spark.sql.catalog.password", shape.ConfigValue),
                    ],
                    ReleaseVersion = "esr-4.0.0",
                    DisplayReleaseVersion = "esr-4.0.0 (Spark 3.5.2, Scala 2.12)",
                    WebUI = shape.WebUi ?? $"https://emr-spark-ui.{regionId}.aliyuncs.com/workspace/{workspaceId}/sessionCluster/{id}/sparkui",
                    Domain = shape.Domain ?? $"emr-spark-gateway-{id}.{regionId}.emr.aliyuncs.com",
                    Fusion = false,
                    GmtCreate = created.ToUnixTimeMilliseconds(),
                    StartTime = created.AddMinutes(1).ToUnixTimeMilliseconds(),
                    Extra = "{\"note\":\"<script>alert(3)</script>\"}",
                    PublicEndpointEnabled = true,
                    ConnectionToken = $"ct-{random.Hex(40)}",
                },
                envId: null);
        }
    }
}

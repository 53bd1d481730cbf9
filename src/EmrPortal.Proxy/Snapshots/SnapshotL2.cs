using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using EmrPortal.Contracts;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Snapshots;

/// <summary>
/// The shared second level for snapshots (Redis through HybridCache, when <c>ConnectionStrings:redis</c> is set), so
/// a proxy instance can serve a snapshot another instance built without scanning. Only the compact, Brotli-compressed
/// session summaries go there (no config values, no tokens); the sort orders are rebuilt locally.
/// </summary>
internal sealed partial class SnapshotL2(HybridCache cache, IOptionsMonitor<SnapshotOptions> options, ILogger<SnapshotL2> logger, bool enabled)
{
    private static readonly HybridCacheEntryOptions ReadOnly = new()
    {
        // Our own snapshot store is the L1; HybridCache is only the transport to Redis here.
        Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCacheWrite | HybridCacheEntryFlags.DisableUnderlyingData,
    };

    public bool Enabled => enabled;

    public static string Key(string workspaceId) => $"emrportal:snapshot:v1:{workspaceId}";

    public async Task<Snapshot?> TryGetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return null;
        }

        try
        {
            var payload = await cache.GetOrCreateAsync<SnapshotPayload?>(
                Key(workspaceId), static _ => ValueTask.FromResult<SnapshotPayload?>(null), ReadOnly, cancellationToken: cancellationToken);
            return payload is null || payload.WorkspaceId != workspaceId ? null : payload.ToSnapshot();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Redis trouble must never take the proxy down: scan instead.
            LogL2Failure(logger, workspaceId, ex.GetType().Name);
            return null;
        }
    }

    public async Task SetAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return;
        }

        var o = options.CurrentValue;
        try
        {
            await cache.SetAsync(
                Key(snapshot.WorkspaceId),
                SnapshotPayload.From(snapshot),
                new HybridCacheEntryOptions
                {
                    Expiration = o.MaxFreshTtl + o.StaleWhileRevalidate,
                    Flags = HybridCacheEntryFlags.DisableLocalCache,
                },
                cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogL2Failure(logger, snapshot.WorkspaceId, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Shared snapshot cache failed for workspace {WorkspaceId} ({ErrorType}); continuing without it")]
    private static partial void LogL2Failure(ILogger logger, string workspaceId, string errorType);
}

/// <summary>The compact wire form of a snapshot in L2: short property names, nulls omitted, times as epoch milliseconds.</summary>
internal sealed class SnapshotPayload
{
    [JsonPropertyName("w")] public string WorkspaceId { get; set; } = "";
    [JsonPropertyName("a")] public long AsOfMs { get; set; }
    [JsonPropertyName("p")] public int UpstreamPages { get; set; }
    [JsonPropertyName("d")] public long ScanMs { get; set; }
    [JsonPropertyName("s")] public List<CompactSession> Sessions { get; set; } = [];

    public static SnapshotPayload From(Snapshot s) => new()
    {
        WorkspaceId = s.WorkspaceId,
        AsOfMs = s.AsOf.ToUnixTimeMilliseconds(),
        UpstreamPages = s.UpstreamPages,
        ScanMs = (long)s.ScanDuration.TotalMilliseconds,
        Sessions = s.Sessions.Select(CompactSession.From).ToList(),
    };

    public Snapshot ToSnapshot() => Snapshot.Build(
        WorkspaceId,
        Sessions.Select(c => c.ToDto(WorkspaceId)),
        DateTimeOffset.FromUnixTimeMilliseconds(AsOfMs),
        UpstreamPages,
        TimeSpan.FromMilliseconds(ScanMs));
}

internal sealed class CompactSession
{
    [JsonPropertyName("i")] public string Id { get; set; } = "";
    [JsonPropertyName("n")] public string? Name { get; set; }
    [JsonPropertyName("s")] public string? State { get; set; }
    [JsonPropertyName("rc")] public string? ReasonCode { get; set; }
    [JsonPropertyName("rm")] public string? ReasonMessage { get; set; }
    [JsonPropertyName("k")] public string? Kind { get; set; }
    [JsonPropertyName("q")] public string? Queue { get; set; }
    [JsonPropertyName("ui")] public string? UserId { get; set; }
    [JsonPropertyName("un")] public string? UserName { get; set; }
    [JsonPropertyName("r")] public string? Release { get; set; }
    [JsonPropertyName("dr")] public string? DisplayRelease { get; set; }
    [JsonPropertyName("c")] public long? GmtCreateMs { get; set; }
    [JsonPropertyName("t")] public long? StartTimeMs { get; set; }
    [JsonPropertyName("as")] public bool? AutoStart { get; set; }
    [JsonPropertyName("ao")] public bool? AutoStop { get; set; }
    [JsonPropertyName("ai")] public int? AutoStopIdle { get; set; }

    public static CompactSession From(SessionSummaryDto s) => new()
    {
        Id = s.SessionClusterId,
        Name = s.Name,
        State = s.State,
        ReasonCode = s.StateChangeReasonCode,
        ReasonMessage = s.StateChangeReasonMessage,
        Kind = s.Kind,
        Queue = s.QueueName,
        UserId = s.UserId,
        UserName = s.UserName,
        Release = s.ReleaseVersion,
        DisplayRelease = s.DisplayReleaseVersion,
        GmtCreateMs = s.GmtCreate?.ToUnixTimeMilliseconds(),
        StartTimeMs = s.StartTime?.ToUnixTimeMilliseconds(),
        AutoStart = s.AutoStartEnabled,
        AutoStop = s.AutoStopEnabled,
        AutoStopIdle = s.AutoStopIdleTimeoutMinutes,
    };

    public SessionSummaryDto ToDto(string workspaceId) => new(
        workspaceId, Id, Name, State, ReasonCode, ReasonMessage, Kind, Queue, UserId, UserName, Release, DisplayRelease,
        GmtCreateMs is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null,
        StartTimeMs is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null,
        AutoStart, AutoStop, AutoStopIdle);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotPayload))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;

/// <summary>HybridCache serializer for snapshots: source-generated JSON, Brotli-compressed, with a format byte.</summary>
internal sealed class SnapshotPayloadSerializer : IHybridCacheSerializer<SnapshotPayload?>
{
    private const byte FormatBrotliJsonV1 = 1;

    public SnapshotPayload? Deserialize(ReadOnlySequence<byte> source)
    {
        if (source.Length < 2 || source.FirstSpan[0] != FormatBrotliJsonV1)
        {
            return null;
        }

        using var compressed = new MemoryStream(source.Slice(1).ToArray(), writable: false);
        using var brotli = new BrotliStream(compressed, CompressionMode.Decompress);
        return JsonSerializer.Deserialize(brotli, SnapshotJsonContext.Default.SnapshotPayload);
    }

    public void Serialize(SnapshotPayload? value, IBufferWriter<byte> target)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte(FormatBrotliJsonV1);
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, value, SnapshotJsonContext.Default.SnapshotPayload);
        }

        target.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}

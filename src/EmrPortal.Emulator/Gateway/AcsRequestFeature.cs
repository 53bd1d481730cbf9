namespace EmrPortal.Emulator.Gateway;

/// <summary>Per-request facts the gateway established, read by operations and the request log.</summary>
internal sealed class AcsRequestFeature(string requestId)
{
    public string RequestId { get; } = requestId;

    public string? Action { get; set; }

    public string? AccessKeyId { get; set; }

    public byte[] Body { get; set; } = [];

    /// <summary>The error code answered, if any (for the log and the rejection counters).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>An uppercase GUID, the shape the cloud's request ids have.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("D").ToUpperInvariant();
}

/// <summary>Endpoint metadata: the operation name a route implements (checked against <c>x-acs-action</c>).</summary>
internal sealed record AcsOperation(string Action);

using System.Buffers;
using System.Text.RegularExpressions;
using EmrPortal.Emulator.Data;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Options;
using EmrPortal.Emulator.Signing;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Gateway;

/// <summary>
/// The API gateway in front of every operation, in the cloud's order: route and action/version check,
/// authentication (signature, timestamp, body hash, STS, key state, nonce), flow control, injected faults. Every
/// refusal is the JSON error body; every request is logged once (no secrets, no signatures).
/// </summary>
internal sealed partial class AcsGatewayMiddleware(
    RequestDelegate next,
    RequestAuthenticator authenticator,
    Throttler throttler,
    FaultState faults,
    RamPolicy ram,
    CallStats stats,
    EmulatorStore store,
    IOptions<EmulatorOptions> options,
    TimeProvider time,
    ILogger<AcsGatewayMiddleware> logger)
{
    public const string ApiVersion = "2023-08-08";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var feature = new AcsRequestFeature(AcsRequestFeature.NewRequestId());
        context.Features.Set(feature);
        context.Response.Headers["x-acs-request-id"] = feature.RequestId;
        var started = time.GetTimestamp();
        var operation = context.GetEndpoint()?.Metadata.GetMetadata<AcsOperation>();
        feature.Action = operation?.Action;
        try
        {
            var error = operation is null
                ? AcsErrors.ApiNotFound(context.Request.Method, path.Value ?? "/")
                : await AdmitAsync(context, operation, feature);
            if (error is not null)
            {
                stats.CountRejection(error.Code);
                await new AcsErrorResult(error).ExecuteAsync(context);
                return;
            }

            stats.CountCall(operation!.Action, KnownWorkspace(context));
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            LogOperationFailed(logger, exception, feature.Action ?? "-", feature.RequestId);
            stats.CountRejection("InternalError");
            context.Response.Clear();
            context.Response.Headers["x-acs-request-id"] = feature.RequestId;
            await new AcsErrorResult(AcsErrors.InternalError()).ExecuteAsync(context);
        }
        finally
        {
            LogRequest(
                logger,
                feature.Action ?? "-",
                SafeWorkspace(context),
                context.Response.StatusCode,
                feature.ErrorCode ?? "-",
                (long)time.GetElapsedTime(started).TotalMilliseconds,
                feature.RequestId);
        }
    }

    private async Task<AcsError?> AdmitAsync(HttpContext context, AcsOperation operation, AcsRequestFeature feature)
    {
        var headers = context.Request.Headers;
        var version = headers["x-acs-version"].ToString();
        if (version.Length == 0)
        {
            return AcsErrors.MissingParameter("x-acs-version");
        }

        if (version != ApiVersion)
        {
            return AcsErrors.InvalidParameter($"The x-acs-version '{version}' is not supported by this API; use {ApiVersion}.");
        }

        // Signature V3 names the operation in x-acs-action (and signs it); the legacy ROA signature routes by path only.
        var action = headers["x-acs-action"].ToString();
        var isV3 = headers.Authorization.ToString().StartsWith(Acs3Signature.Algorithm, StringComparison.Ordinal);
        if (action.Length == 0 && isV3)
        {
            return AcsErrors.MissingParameter("x-acs-action");
        }

        if (action.Length > 0 && action != operation.Action)
        {
            return AcsErrors.InvalidParameter($"The x-acs-action '{action}' does not match the operation of this path ({operation.Action}).");
        }

        var body = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return AcsErrors.InvalidParameter($"The request body exceeds {options.Value.MaxBodyBytes} bytes.");
        }

        feature.Body = body;
        var error = authenticator.Authenticate(ReceivedRequest.From(context, body), out var caller);
        if (error is not null)
        {
            return error;
        }

        feature.AccessKeyId = caller!.AccessKeyId;

        // RAM: the key must have been granted the workspace the call is about.
        var workspaceId = context.Request.RouteValues["workspaceId"] is string raw
            ? (raw.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(raw) : raw)
            : null;
        if (ram.Check(caller.AccessKeyId, operation.Action, workspaceId) is { } denied)
        {
            return denied;
        }

        if (!throttler.TryAcquire(caller.AccessKeyId, operation.Action, out var retryAfterMs))
        {
            return AcsErrors.Throttled(retryAfterMs);
        }

        return await InjectFaultsAsync(context.RequestAborted);
    }

    private async Task<AcsError?> InjectFaultsAsync(CancellationToken cancellationToken)
    {
        var settings = faults.Current;
        var delayMs = settings.LatencyFixedMs + (settings.LatencyJitterMs > 0 ? Random.Shared.Next(settings.LatencyJitterMs + 1) : 0);
        if (delayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs), time, cancellationToken);
        }

        if (settings.ErrorRate > 0 && Random.Shared.NextDouble() < settings.ErrorRate)
        {
            var status = settings.ErrorStatusCodes[Random.Shared.Next(settings.ErrorStatusCodes.Count)];
            return status == 503 ? AcsErrors.ServiceUnavailable() : AcsErrors.InternalError();
        }

        return null;
    }

    /// <returns>The body bytes, or null when it is larger than allowed.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private string? KnownWorkspace(HttpContext context) =>
        context.Request.RouteValues["workspaceId"] is string id && store.FindWorkspace(id) is not null ? id : null;

    /// <summary>Route values are caller input: log them only when they look like ids (no CR/LF or bidi tricks in logs).</summary>
    private static string SafeWorkspace(HttpContext context) =>
        context.Request.RouteValues["workspaceId"] is string id ? (SafeId().IsMatch(id) ? id : "(invalid)") : "-";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SafeId();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Action} workspace={WorkspaceId} status={StatusCode} code={ErrorCode} latencyMs={LatencyMs} requestId={RequestId}")]
    private static partial void LogRequest(ILogger logger, string action, string workspaceId, int statusCode, string errorCode, long latencyMs, string requestId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Action} failed unexpectedly, requestId={RequestId}")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string action, string requestId);
}

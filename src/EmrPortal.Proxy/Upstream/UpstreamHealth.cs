using EmrPortal.Emr;
using EmrPortal.Emr.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EmrPortal.Proxy.Upstream;

/// <summary>What the proxy last learned about the cloud API: when a call last succeeded, and whether credentials were refused since.</summary>
internal sealed class UpstreamHealth(TimeProvider time)
{
    private long _sequence;
    private long _lastSuccessTicks;
    private long _lastSuccessSequence;
    private long _lastAuthFailureTicks;
    private long _lastAuthFailureSequence;

    public DateTimeOffset? LastSuccess => Read(ref _lastSuccessTicks);
    public DateTimeOffset? LastAuthFailure => Read(ref _lastAuthFailureTicks);

    /// <summary>True when the most recent verdict about the credentials was a refusal (ordered by event, not clock).</summary>
    public bool CredentialsRefusedLast => Interlocked.Read(ref _lastAuthFailureSequence) > Interlocked.Read(ref _lastSuccessSequence);

    public void RecordSuccess()
    {
        Interlocked.Exchange(ref _lastSuccessTicks, time.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _lastSuccessSequence, Interlocked.Increment(ref _sequence));
    }

    /// <summary>Only a refusal of the credentials themselves counts; a workspace-scoped permission denial does not.</summary>
    public void RecordFailure(Exception exception)
    {
        if (exception is EmrApiException { IsCredentialError: true })
        {
            Interlocked.Exchange(ref _lastAuthFailureTicks, time.GetUtcNow().UtcTicks);
            Interlocked.Exchange(ref _lastAuthFailureSequence, Interlocked.Increment(ref _sequence));
        }
    }

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value == 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }
}

/// <summary>
/// Readiness: the cloud API answered recently with the current credentials. When nothing has been called lately,
/// one cheap probe (ListWorkspaces, one item) decides; probes are spaced so health checks never eat the quota.
/// </summary>
internal sealed class UpstreamReadinessCheck(IEmrServerlessSparkClient client, UpstreamHealth health, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Recent = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ProbeSpacing = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _probe = new(1, 1);
    private DateTimeOffset _lastProbe = DateTimeOffset.MinValue;
    private HealthCheckResult _lastProbeResult = HealthCheckResult.Unhealthy("The cloud API has not been reached yet.");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (Judge(now) is { } verdict)
        {
            return verdict;
        }

        await _probe.WaitAsync(cancellationToken);
        try
        {
            if (Judge(now) is { } again)
            {
                return again;
            }

            if (now - _lastProbe < ProbeSpacing)
            {
                return _lastProbeResult;
            }

            _lastProbe = now;
            try
            {
                await client.ListWorkspacesAsync(new ListWorkspacesRequest { MaxResults = 1 }, cancellationToken);
                health.RecordSuccess();
                _lastProbeResult = HealthCheckResult.Healthy("The cloud API accepted the credentials.");
            }
            catch (EmrApiException ex) when (ex.IsPermissionDenied)
            {
                // Authenticated, but RAM does not allow listing workspaces: the credentials work, the grant is narrow.
                health.RecordSuccess();
                _lastProbeResult = HealthCheckResult.Degraded("The cloud API accepted the credentials but refused ListWorkspaces (RAM permission).");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                health.RecordFailure(ex);
                _lastProbeResult = HealthCheckResult.Unhealthy(ex is EmrApiException { IsCredentialError: true }
                    ? "The cloud API refused the credentials."
                    : "The cloud API is not reachable.");
            }

            return _lastProbeResult;
        }
        finally
        {
            _probe.Release();
        }
    }

    private HealthCheckResult? Judge(DateTimeOffset now)
    {
        var success = health.LastSuccess;
        var authFailure = health.LastAuthFailure;
        if (authFailure is not null && health.CredentialsRefusedLast)
        {
            // Rotated credentials may fix it: re-probe once the refusal is no longer fresh.
            return now - authFailure < ProbeSpacing ? HealthCheckResult.Unhealthy("The cloud API refused the credentials.") : null;
        }

        return success is not null && now - success < Recent
            ? HealthCheckResult.Healthy("The cloud API answered recently.")
            : null;
    }
}

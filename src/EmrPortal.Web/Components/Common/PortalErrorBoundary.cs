using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace EmrPortal.Web.Components.Common;

/// <summary>Catches a page's unhandled exception, logs it with the trace id the user is shown, and lets the layout
/// render a friendly message (never the exception) instead of tearing the circuit down.</summary>
public sealed partial class PortalErrorBoundary : ErrorBoundary
{
    [Inject] private ILogger<PortalErrorBoundary> Logger { get; set; } = default!;

    public string? TraceId { get; private set; }

    protected override Task OnErrorAsync(Exception exception)
    {
        TraceId = Activity.Current?.TraceId.ToString() ?? ActivityTraceId.CreateRandom().ToString();
        LogUnhandled(Logger, TraceId, exception);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in a page (trace id {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, string traceId, Exception exception);
}

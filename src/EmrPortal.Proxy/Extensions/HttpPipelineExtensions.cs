using System.Diagnostics;
using System.Globalization;
using EmrPortal.Emr;
using EmrPortal.Proxy.Upstream;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Extensions;

/// <summary>Errors as RFC 9457 ProblemDetails (with traceId, never a stack trace), security headers, auth and limits.</summary>
public static class HttpPipelineExtensions
{
    public static IHostApplicationBuilder AddProblemResponses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            // Exception details are for logs, never for callers (even in Development).
            ctx.ProblemDetails.Extensions.Remove("exception");
            if (ctx.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
            {
                ctx.ProblemDetails.Detail = null;
            }
        });
        builder.Services.AddExceptionHandler<ProxyExceptionHandler>();
        return builder;
    }

    public static WebApplication UseProxyPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders(hsts: !app.Environment.IsDevelopment());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRepeatedQueryGuard();
        return app;
    }

    /// <summary>
    /// An API never renders in a frame, uses no browser feature or leaks a referrer; responses hold per-user data and
    /// are not cached. Set when the response starts, so answers the exception handler writes (it clears the response
    /// first: 502/503) carry them too; that is also why HSTS (outside Development, on HTTPS) is set here rather than
    /// by UseHsts.
    /// </summary>
    private static void UseSecurityHeaders(this WebApplication app, bool hsts)
    {
        // One callback for every response (its state is the request), not a new closure per request.
        Func<object, Task> setHeaders = state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                headers.XFrameOptions = "DENY";
                if (hsts && http.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000";
                }

                if (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            };
        app.Use((context, next) =>
        {
            context.Response.OnStarting(setHeaders, context);
            return next(context);
        });
    }
}

/// <summary>Maps upstream trouble to 502/503 ProblemDetails; everything else becomes a bare 500 (logged, not shown).</summary>
internal sealed partial class ProxyExceptionHandler(IProblemDetailsService problems, ILogger<ProxyExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            return true; // The caller left; nobody to answer.
        }

        if (exception is BadHttpRequestException bad)
        {
            // Unreadable request (e.g. a JSON body that does not parse): the caller's mistake, said plainly.
            http.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "Bad Request", Detail = "The request could not be read." },
            });
        }

        var (status, title, detail, retryAfter, requestId) = Classify(exception);
        var type = IsCloudPermissionDenied(exception) ? Contracts.ProblemTypes.CloudPermissionDenied : null;
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception.GetType().FullName ?? "Exception", exception);
        }
        else
        {
            LogUpstream(logger, status, exception.GetType().Name, (exception as EmrApiException)?.Code, requestId);
        }

        http.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = type };
        if (requestId is not null)
        {
            problem.Extensions["upstreamRequestId"] = requestId;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    internal static (int Status, string Title, string? Detail, TimeSpan? RetryAfter, string? RequestId) Classify(Exception exception)
    {
        const int BadGateway = StatusCodes.Status502BadGateway;
        const int Unavailable = StatusCodes.Status503ServiceUnavailable;
        var root = exception is SnapshotUnavailableException { InnerException: { } inner } ? inner : exception;
        var floor = (exception as SnapshotUnavailableException)?.RetryAfter;
        TimeSpan? Wait(TimeSpan? wait) => floor is { } f && (wait is null || f > wait) ? f : wait;

        switch (root)
        {
            case WorkspacePermissionDeniedException denied:
                return (StatusCodes.Status403Forbidden, "Cloud permission denied", Contracts.ProblemTypes.CloudPermissionDeniedDetail, denied.RetryAfter, denied.RequestId);
            case EmrApiException { IsPermissionDenied: true } e:
                return (StatusCodes.Status403Forbidden, "Cloud permission denied", Contracts.ProblemTypes.CloudPermissionDeniedDetail, null, e.RequestId);
            case UpstreamMismatchException:
            case EmrApiException { Code: EmrErrorCodes.WorkspaceMismatch }:
                return (BadGateway, "Bad Gateway", "The cloud API answered for a different workspace or session; the answer was refused.", null, (root as EmrApiException)?.RequestId);
            case UpstreamQuotaExceededException q:
                return (Unavailable, "Service Unavailable", "The portal's share of the cloud API quota is used up; try again shortly.", Wait(q.RetryAfter), null);
            case EmrApiException { IsThrottling: true } e:
                return (Unavailable, "Service Unavailable", "The cloud API is throttling requests; try again shortly.", Wait(e.RetryAfter ?? TimeSpan.FromSeconds(5)), e.RequestId);
            case EmrApiException { IsCredentialError: true } e:
                return (BadGateway, "Bad Gateway", "The cloud API refused the portal's credentials.", null, e.RequestId);
            case EmrApiException e when (int)e.HttpStatus >= 500:
                return (Unavailable, "Service Unavailable", "The cloud API is failing; try again shortly.", Wait(TimeSpan.FromSeconds(5)), e.RequestId);
            case EmrApiException e:
                return (BadGateway, "Bad Gateway", "The cloud API did not answer as expected.", null, e.RequestId);
            case HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or EmrPagingException:
                return (Unavailable, "Service Unavailable", "The cloud API is not reachable.", Wait(TimeSpan.FromSeconds(5)), null);
        }

        return exception is SnapshotUnavailableException s
            ? (Unavailable, "Service Unavailable", "Sessions of this workspace could not be loaded from the cloud API yet.", s.RetryAfter, null)
            : (StatusCodes.Status500InternalServerError, "An error occurred while processing your request.", null, null, null);
    }

    /// <summary>The cloud refused the portal's identity on one workspace (directly, or as the reason no snapshot exists).</summary>
    internal static bool IsCloudPermissionDenied(Exception exception) =>
        (exception is SnapshotUnavailableException { InnerException: { } inner } ? inner : exception)
            is WorkspacePermissionDeniedException or EmrApiException { IsPermissionDenied: true };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Upstream problem answered with {Status}: {ErrorType} {Code} (RequestId {RequestId})")]
    private static partial void LogUpstream(ILogger logger, int status, string errorType, string? code, string? requestId);
}

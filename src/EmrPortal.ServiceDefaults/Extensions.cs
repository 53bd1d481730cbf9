using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every EmrPortal service shares: OpenTelemetry (logs, metrics, traces over OTLP when configured), health
/// checks, service discovery, and resilient HttpClients by default. Clients that need their own pipeline (the
/// signed EMR client) remove the default one, see docs/decisions.md#resilience-outside-the-signer.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";

    /// <summary>
    /// Activity sources beyond the framework's that every service records. With these, one click in the portal is one
    /// trace: Blazor's <c>HandleEvent</c>/<c>RouteChange</c> span (Components) → the Web's HttpClient span → the
    /// Proxy's ASP.NET Core span → the signed EMR client's HttpClient span → the Emulator's ASP.NET Core span
    /// (W3C <c>traceparent</c> crosses each hop; it is not a signed header, so the ACS3 signature is unaffected).
    /// </summary>
    public static readonly string[] ActivitySources =
    [
        "EmrPortal.Emr",
        "EmrPortal.Proxy",
        "EmrPortal.Web",
        "EmrPortal.Emulator",
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.SignalR.Server",
    ];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("EmrPortal.Proxy", "EmrPortal.Emulator", "EmrPortal.Emr")
                // Blazor (.NET 10): navigation/event durations and live circuits, to watch per-circuit cost.
                .AddMeter("Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle",
                    "Microsoft.AspNetCore.Components.Server.Circuits"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ActivitySources)
                .AddAspNetCoreInstrumentation(o =>
                    // Health probes are noise in traces.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary><c>/health/live</c> (process up) and <c>/health/ready</c> (every check, including "ready"-tagged ones).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(ReadinessPath).AllowAnonymous();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }
}

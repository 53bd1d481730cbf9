using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every EmrPortal service shares: OpenTelemetry (logs, metrics, and traces over OTLP when configured), health
/// checks, service discovery, and resilient HttpClients by default. Clients that need their own pipeline (the
/// signed EMR client) remove the default one, see docs/decisions.md#resilience-outside-the-signer.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";

    /// <summary>
    /// Records traces without an OTLP endpoint, for a trace exporter added in code (<c>ConfigureOpenTelemetryTracerProvider</c>).
    /// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, traces are always recorded; with neither, none are.
    /// </summary>
    public const string TracesEnabledKey = "OpenTelemetry:Traces:Enabled";

    /// <summary>
    /// Framework activity sources recorded beyond ASP.NET Core's and HttpClient's instrumentation: Blazor's
    /// <c>HandleEvent</c>/<c>RouteChange</c> spans and SignalR hub calls. With them and each service's own sources
    /// (passed to <see cref="AddServiceDefaults{TBuilder}"/>), one click in the portal is one trace: Components span →
    /// the Web's HttpClient span → the Proxy's ASP.NET Core span → its snapshot scan → the signed EMR client's span →
    /// the Emulator's ASP.NET Core span (W3C <c>traceparent</c> crosses each hop; it is not a signed header, so the
    /// ACS3 signature is unaffected).
    /// </summary>
    public static readonly string[] FrameworkActivitySources =
    [
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.SignalR.Server",
    ];

    /// <summary>Framework meters recorded beyond the ASP.NET Core, HttpClient and runtime instrumentation (Blazor, .NET 10): navigation/event durations and live circuits, to watch per-circuit cost.</summary>
    public static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.Components.Lifecycle",
        "Microsoft.AspNetCore.Components.Server.Circuits",
    ];

    /// <param name="builder">The service's host builder.</param>
    /// <param name="activitySources">The service's own <see cref="System.Diagnostics.ActivitySource"/> names (constants of the code that starts them).</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] activitySources) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(activitySources);
        builder.AddDefaultHealthChecks();
        builder.BindKestrelLimits();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] activitySources) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(FrameworkMeters));

        // Traces are recorded only where something exports them: every recorded request pays for an Activity, its
        // tags and the instrumentation's callbacks (about a tenth of a warm proxy request's CPU; docs/decisions.md).
        if (otlp || builder.Configuration.GetValue<bool>(TracesEnabledKey))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(FrameworkActivitySources)
                .AddSource(activitySources)
                .AddAspNetCoreInstrumentation(o =>
                    // Health probes are noise in traces.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation());
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Kestrel's limits from configuration (<c>Kestrel:Limits:*</c>, e.g. <c>Kestrel__Limits__KeepAliveTimeout</c>).
    /// Kestrel reads only its endpoints and certificates from the <c>Kestrel</c> section by itself; without this, a
    /// limit set in configuration is silently ignored (docs/decisions.md, "Measuring circuit memory").
    /// </summary>
    public static TBuilder BindKestrelLimits<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel => builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (process up) and <c>/health/ready</c> (every check, including "ready"-tagged ones and those
    /// of the Redis/PostgreSQL client integrations), the latter as JSON naming each check and its status.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions { ResponseWriter = WriteReadinessJson }).AllowAnonymous();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// <c>{"status":"Healthy","checks":[{"name":"redis","status":"Healthy","durationMs":1.2}]}</c>. Names and statuses
    /// only: a check's description or exception may carry a host name or connection detail, so neither is written.
    /// </summary>
    private static Task WriteReadinessJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).AsTask();
    }
}

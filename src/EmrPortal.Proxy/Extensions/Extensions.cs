using EmrPortal.Contracts;
using EmrPortal.Proxy.Access;
using EmrPortal.PortalData;
using EmrPortal.Proxy.Audit;
using EmrPortal.Proxy.Actions;
using EmrPortal.Proxy.Me;
using EmrPortal.Proxy.Notifications;
using EmrPortal.Proxy.Pins;
using EmrPortal.Proxy.Timeline;
using EmrPortal.Proxy.Triage;
using EmrPortal.Proxy.Workspaces;
using EmrPortal.Proxy.Sessions;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EmrPortal.Proxy.Extensions;

public static class Extensions
{
    /// <summary>The connection string (<c>ConnectionStrings:redis</c>) that makes Redis the shared L2.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>The proxy's own services: cloud client with outbound quota, snapshots, caches, access policy, redaction, audit.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddCredentialSources();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName);
        services.AddOptions<RedactionOptions>().BindConfiguration(RedactionOptions.SectionName);
        services.AddOptions<SnapshotOptions>().BindConfiguration(SnapshotOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UpstreamQuotaOptions>().BindConfiguration(UpstreamQuotaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // The cloud client (signing and retries are the client's); our token bucket sits innermost, so each attempt pays.
        services.AddSingleton<OutboundQuota>();
        services.AddOptions<FairShareOptions>().BindConfiguration(FairShareOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FairShareQuota>();
        services.AddSingleton<UnknownSessionBudget>();
        services.AddSingleton<SessionLookup>();
        services.AddTransient<OutboundQuotaHandler>();
        var emrClient = services.AddEmrServerlessSparkClient(builder.Configuration).AddHttpMessageHandler<OutboundQuotaHandler>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            // With Redis, the quota also holds across instances: a deployment-wide bucket after this instance's own.
            services.AddSingleton<SharedOutboundQuota>();
            services.AddTransient<SharedOutboundQuotaHandler>();
            emrClient.AddHttpMessageHandler<SharedOutboundQuotaHandler>();
        }

        builder.AddProxyCaching();

        services.AddSingleton<UpstreamHealth>();
        services.AddSingleton<WorkspacePermissions>();
        services.AddSingleton<SnapshotStore>();
        services.AddHostedService<SnapshotRefresher>();
        services.AddSingleton<WorkspaceCatalog>();
        services.AddSingleton<SessionDetails>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<WorkspaceGate>();
        services.AddSingleton<VisibleWorkspaces>();
        services.AddSingleton<Redactor>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditRepeats>();
        services.AddHostedService<AuditRepeatFlusher>();

        // The portal database and what lives on it: timeline recording, history, audit log, views, pins, identity.
        builder.AddPortalDatabase();
        services.AddOptions<CloudIdentityOptions>().BindConfiguration(CloudIdentityOptions.SectionName);
        services.AddOptions<FeatureOptions>().BindConfiguration(FeatureOptions.SectionName);
        services.AddOptions<ViewsOptions>().BindConfiguration(ViewsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton<SessionHistoryCache>();
        services.AddSingleton<TransitionRecorder>();
        services.AddSingleton<ISnapshotObserver>(sp => sp.GetRequiredService<TransitionRecorder>());
        services.AddHostedService(sp => sp.GetRequiredService<TransitionRecorder>());
        services.AddSingleton<ReleaseCatalog>();
        services.AddSingleton<PinCache>();
        services.AddSingleton<CloudIdentity>();
        services.AddSingleton<SessionListing>();
        services.AddSingleton<SessionPageJson>();
        services.AddSingleton<SessionTimelines>();
        services.AddSingleton<WorkspaceOverviews>();
        services.AddSingleton<ErrorTriage>();
        services.AddSingleton<SessionPins>();
        services.AddSingleton<CallerProfile>();
        services.AddSingleton<SessionActions>();
        builder.AddNotifications();

        services.AddHealthChecks().AddCheck<UpstreamReadinessCheck>("upstream", tags: ["ready"]);
        services.AddSingleton<UpstreamReadinessCheck>();

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PortalJsonContext.Default));
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        return builder;
    }

    /// <summary>
    /// Credentials may also come from a mounted directory of files (Kubernetes/Docker secrets: one file per key, e.g.
    /// <c>Emr__AccessKeySecret</c>), watched so a rotated STS token applies without a restart.
    /// </summary>
    private static void AddCredentialSources(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration["Emr:CredentialsDirectory"];
        if (!string.IsNullOrWhiteSpace(directory))
        {
            builder.Configuration.AddKeyPerFile(directory, optional: true, reloadOnChange: true);
        }
    }

    /// <summary>
    /// HybridCache for the small caches (workspace list, session detail) and as the transport of the snapshot L2.
    /// Redis joins only when <c>ConnectionStrings:redis</c> is set, as a compressed second level with a raised size limit.
    /// </summary>
    private static void AddProxyCaching(this IHostApplicationBuilder builder)
    {
        var redisEnabled = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName));
        if (redisEnabled)
        {
            // Aspire's client integration: one shared multiplexer, its health check in /health/ready, traces and
            // metrics of every Redis command; the distributed cache (HybridCache's L2) uses that multiplexer.
            builder.AddRedisClient(RedisConnectionName);
            builder.Services.AddStackExchangeRedisCache(o => o.InstanceName = "emrportal:");
            builder.Services.AddOptions<RedisCacheOptions>()
                .Configure<IServiceProvider>((o, sp) => o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        }

        var maxPayload = builder.Configuration.GetValue<int?>($"{SnapshotOptions.SectionName}:{nameof(SnapshotOptions.MaxL2PayloadBytes)}")
            ?? new SnapshotOptions().MaxL2PayloadBytes;
        builder.Services.AddHybridCache(o =>
            {
                o.MaximumPayloadBytes = maxPayload;
                o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };
            })
            .AddSerializer(new SnapshotPayloadSerializer())
            .AddSerializer(new JsonHybridSerializer<WorkspaceList>(ProxyJsonContext.Default.WorkspaceList))
            .AddSerializer(new JsonHybridSerializer<DetailLookup>(ProxyJsonContext.Default.DetailLookup));

        builder.Services.AddSingleton(sp => new SnapshotL2(
            sp.GetRequiredService<HybridCache>(),
            sp.GetRequiredService<IOptionsMonitor<SnapshotOptions>>(),
            sp.GetRequiredService<ILogger<SnapshotL2>>(),
            redisEnabled));
    }
}

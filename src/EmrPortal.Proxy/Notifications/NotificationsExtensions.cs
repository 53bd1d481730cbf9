using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Snapshots;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace EmrPortal.Proxy.Notifications;

public static class NotificationsExtensions
{
    /// <summary>
    /// Detection (an observer of snapshot recordings and refresh failures), the delivery worker with its lease, the
    /// rules/inbox/destination services, and the webhook HTTP client.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.PortalBaseUrl is null || (o.PortalBaseUrl.IsAbsoluteUri && o.PortalBaseUrl.Scheme is "http" or "https"),
                "Notifications:PortalBaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<NotificationEnvelopes>();
        services.AddSingleton<WebhookUrlPolicy>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<DeliveryLease>();
        services.AddSingleton<Subscribers>();
        services.AddSingleton<NotificationRules>();
        services.AddSingleton<NotificationInbox>();
        services.AddSingleton<WebhookDestinations>();
        services.AddSingleton<NotificationDetector>();
        services.AddSingleton<IRecordingObserver>(sp => sp.GetRequiredService<NotificationDetector>());
        services.AddSingleton<WorkspaceConditionMonitor>();
        services.AddSingleton<ISnapshotObserver>(sp => sp.GetRequiredService<WorkspaceConditionMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<WorkspaceConditionMonitor>());
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());

        // Retries are the outbox's (durable, with backoff), so the defaults' in-memory retry handler is replaced by a
        // bare timeout. No redirects (a 30x could point inside the network), no proxy (the address check must see the
        // receiver), no cookies; the connect step applies the URL policy to every resolved address.
#pragma warning disable EXTEXP0001 // Experimental, but the documented way to drop the defaults' handler.
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                MaxResponseHeadersLength = 16,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = sp.GetRequiredService<WebhookUrlPolicy>().ConnectAsync,
            })
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("webhook", static (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptionsMonitor<NotificationOptions>>().CurrentValue.RequestTimeout));
#pragma warning restore EXTEXP0001
        return builder;
    }
}

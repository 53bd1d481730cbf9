using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace EmrPortal.Emr.Tests.Infrastructure;

/// <summary>The client as a host registers it (<c>AddEmrServerlessSparkClient</c>) with the stub as primary handler.</summary>
public sealed class EmrClientHost : IDisposable
{
    public const string AccessKeyId = "LTAI5tEmrPortalDemoKey";
    public const string AccessKeySecret = "EmrPortalDemoSecret-NotForProduction";
    public const string Endpoint = "http://localhost:5180";

    private readonly ServiceProvider _services;

    public EmrClientHost(StubHttpHandler handler, Action<EmrClientOptions>? configure = null, TimeProvider? timeProvider = null, Action<IServiceCollection>? before = null)
    {
        Handler = handler;
        var services = new ServiceCollection();
        services.AddFakeLogging();
        before?.Invoke(services);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddEmrServerlessSparkClient(o =>
            {
                o.Endpoint = Endpoint;
                o.AccessKeyId = AccessKeyId;
                o.AccessKeySecret = AccessKeySecret;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(20);
                configure?.Invoke(o);
            })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        _services = services.BuildServiceProvider();
    }

    public StubHttpHandler Handler { get; }

    public IServiceProvider Services => _services;

    public IEmrServerlessSparkClient Client => _services.GetRequiredService<IEmrServerlessSparkClient>();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public void Dispose() => _services.Dispose();
}

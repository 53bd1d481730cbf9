using EmrPortal.Emr;
using EmrPortal.Emr.Diagnostics;
using EmrPortal.Emr.Extensions;
using EmrPortal.Emr.Http;
using EmrPortal.Emr.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IEmrServerlessSparkClient"/>: options, signing, and its own retry pipeline.</summary>
public static class EmrServiceCollectionExtensions
{
    /// <summary>The name of the client's resilience pipeline.</summary>
    public const string PipelineName = "emr";

    /// <summary>
    /// Registers the client with options bound from the <c>Emr</c> section of <paramref name="configuration"/> (reloaded
    /// on change, so rotated credentials apply without a restart).
    /// </summary>
    /// <returns>The client's builder, e.g. to <c>.ConfigurePrimaryHttpMessageHandler(...)</c> in tests.</returns>
    public static IHttpClientBuilder AddEmrServerlessSparkClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEmrServerlessSparkClient(o => o.Bind(configuration.GetSection(EmrClientOptions.SectionName)));
    }

    /// <summary>Registers the client with options set in code.</summary>
    /// <returns>The client's builder, e.g. to <c>.ConfigurePrimaryHttpMessageHandler(...)</c> in tests.</returns>
    public static IHttpClientBuilder AddEmrServerlessSparkClient(this IServiceCollection services, Action<EmrClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddEmrServerlessSparkClient(o => o.Configure(configure));
    }

    private static IHttpClientBuilder AddEmrServerlessSparkClient(this IServiceCollection services, Action<OptionsBuilder<EmrClientOptions>> bind)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EmrClientOptions>();
        bind(options);
        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmrClientOptions>, EmrClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<Acs3SigningHandler>();

        var builder = services
            .AddHttpClient<IEmrServerlessSparkClient, EmrServerlessSparkClient>()
            // The pipeline below owns every timeout.
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            // No redirects (they would carry x-acs-* headers, token included, to another host) and no cookies.
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        // ServiceDefaults add a standard resilience handler to every client. Ours must sit OUTSIDE the signer so that
        // each retry is signed again with a fresh date and nonce: resilience → signing → primary.
#pragma warning disable EXTEXP0001 // Experimental, but the documented way to drop the defaults' handler (docs/decisions.md#resilience-outside-the-signer).
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddResilienceHandler(PipelineName, ConfigurePipeline);
        builder.AddHttpMessageHandler<Acs3SigningHandler>();
        return builder;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        context.EnableReloads<EmrClientOptions>();
        var options = context.GetOptions<EmrClientOptions>();
        var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("EmrPortal.Emr.Resilience");

        pipeline.AddTimeout(options.TotalTimeout);
        if (options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = async args => await EmrRetryPolicy.ShouldRetryAsync(args).ConfigureAwait(false)
                    && EmrRetryPolicy.WaitFits(args, options.TotalTimeout),
                DelayGenerator = EmrRetryPolicy.DelayAsync,
                OnRetry = async args =>
                {
                    var action = args.Context.GetRequestMessage()?.Options.TryGetValue(Acs3SigningHandler.ActionOption, out var a) == true ? a : null;
                    var outcome = args.Outcome.Result is { } response
                        ? $"HTTP {(int)response.StatusCode} {await EmrErrorReader.ReadCodeAsync(response, args.Context.CancellationToken).ConfigureAwait(false)}"
                        : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    EmrLog.Retrying(logger, action, args.AttemptNumber + 1, outcome, args.RetryDelay.TotalMilliseconds);
                },
            });
        }

        pipeline.AddTimeout(options.AttemptTimeout);
    }
}

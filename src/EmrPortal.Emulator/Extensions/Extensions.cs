using EmrPortal.Emulator.Data;
using EmrPortal.Emulator.Faults;
using EmrPortal.Emulator.Gateway;
using EmrPortal.Emulator.Options;
using EmrPortal.Emulator.Signing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmrPortal.Emulator.Extensions;

internal static class Extensions
{
    public static void AddEmulatorServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FaultOptions>().BindConfiguration(FaultOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EmulatorStore>();
        services.AddSingleton<PageTokenCodec>();
        services.AddSingleton<NonceCache>();
        services.AddSingleton<FaultState>();
        services.AddSingleton<RamPolicy>();
        services.AddSingleton<Throttler>();
        services.AddSingleton<CallStats>();
        services.AddSingleton<RequestAuthenticator>();

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, EmulatorJsonContext.Default);
            o.SerializerOptions.Encoder = EmulatorJson.Context.Options.Encoder;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
    }

    /// <summary>The signed-API gateway; runs after routing so it knows which operation a path names.</summary>
    public static IApplicationBuilder UseAcsGateway(this IApplicationBuilder app) => app.UseMiddleware<AcsGatewayMiddleware>();
}

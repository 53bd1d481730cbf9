using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Tests;

/// <summary>Blazor Server limits are set deliberately, not left at framework defaults (see security-readme).</summary>
public sealed class SecurityLimitsTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    [Fact]
    public void Circuit_limits_bound_memory_and_hide_errors()
    {
        var circuit = factory.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(3), circuit.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(200, circuit.DisconnectedCircuitMaxRetained);
        Assert.Equal(TimeSpan.FromSeconds(30), circuit.JSInteropDefaultCallTimeout);
        Assert.False(circuit.DetailedErrors);
    }

    [Fact]
    public void Hub_accepts_only_small_messages_from_the_browser()
    {
        // Blazor's hub type is internal: resolve IOptions<HubOptions<ComponentHub>> by reflection.
        var hubType = typeof(CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var optionsType = typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(hubType));
        var hub = (HubOptions)optionsType.GetProperty("Value")!.GetValue(factory.Services.GetRequiredService(optionsType))!;

        Assert.Equal(128 * 1024, hub.MaximumReceiveMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(60), hub.ClientTimeoutInterval);
    }
}

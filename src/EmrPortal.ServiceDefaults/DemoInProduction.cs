using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Demo sign-in in a Production environment: refused unless <see cref="AllowKey"/> is true, and then logged once at
/// start as a warning. Shared by the Web app (demo sign-in page) and the Proxy (demo bearer tokens).
/// </summary>
public static partial class DemoInProduction
{
    public const string AllowKey = "Authentication:Demo:AllowInProduction";

    /// <summary>
    /// Call when the app runs in demo mode. In Production, throws unless <see cref="AllowKey"/> is true, else registers
    /// the start-up warning. <paramref name="consequence"/> says what demo mode means for this app.
    /// </summary>
    public static void Guard(IHostApplicationBuilder builder, string consequence)
    {
        if (!builder.Environment.IsProduction())
        {
            return;
        }

        if (!builder.Configuration.GetValue<bool>(AllowKey))
        {
            throw new InvalidOperationException(
                $"Authentication:Mode=Demo is refused when ASPNETCORE_ENVIRONMENT is Production: {consequence}. Configure Entra ID (AzureAd), or set {AllowKey}=true for a throw-away demo installation.");
        }

        builder.Services.AddHostedService(sp => new DemoInProductionWarning(sp.GetRequiredService<ILoggerFactory>().CreateLogger(builder.Environment.ApplicationName), consequence));
    }

    private sealed partial class DemoInProductionWarning(ILogger logger, string consequence) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogDemoInProduction(logger, AllowKey, consequence);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Demo sign-in is running in Production because {Setting}=true: {Consequence}")]
        private static partial void LogDemoInProduction(ILogger logger, string setting, string consequence);
    }
}

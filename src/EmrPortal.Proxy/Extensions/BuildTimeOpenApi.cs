using System.Reflection;

namespace EmrPortal.Proxy.Extensions;

/// <summary>
/// The build generates docs/openapi/v1.json by running this app's Program under the OpenAPI document tool
/// (Microsoft.Extensions.ApiDescription.Server), which builds and starts the host (no server) and reads its endpoints.
/// The build has no deployment settings, so the tool's run gets harmless placeholders for the settings the app refuses
/// to build without (the sign-in mode). Only that tool's process is affected; see docs/decisions.md#openapi-document-at-build-time.
/// </summary>
internal static class BuildTimeOpenApi
{
    /// <summary>Whether this process is the build-time document tool (the documented way to detect it).</summary>
    public static bool IsGeneratingDocument =>
        string.Equals(Assembly.GetEntryAssembly()?.GetName().Name, "GetDocument.Insider", StringComparison.Ordinal);

    public static void AddPlaceholderSettings(IHostApplicationBuilder builder)
    {
        if (!IsGeneratingDocument)
        {
            return;
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Mode"] = "Entra",
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000000",
            ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000000",
            ["AzureAd:Audience"] = "api://emrportal-proxy",
            // The tool starts the host (options validated on start, hosted services run briefly): an endpoint nothing
            // listens on, placeholder credentials, and a throw-away in-memory portal database.
            ["Emr:Endpoint"] = "http://127.0.0.1:9",
            ["Emr:AccessKeyId"] = "build-time-openapi",
            ["Emr:AccessKeySecret"] = "build-time-openapi",
            ["ConnectionStrings:portaldb"] = "Data Source=:memory:",
            ["Portal:Database"] = "Sqlite",
        });
    }
}

using System.Diagnostics;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The published Emulator, Proxy and Web. test.sh publishes them exactly as the Dockerfile does and exports
/// EMRPORTAL_PUBLISH_DIR; run alone (an IDE, the test dll directly) the tests publish them once into a temp folder.
/// </summary>
internal static class PublishedApps
{
    public static readonly string[] Names = ["Emulator", "Proxy", "Web", "DevIdentityProvider"];

    private static readonly SemaphoreSlim PublishLock = new(1, 1);
    private static string? _root;

    public static async Task<string> RootAsync(CancellationToken cancellationToken)
    {
        if (_root is not null)
        {
            return _root;
        }

        await PublishLock.WaitAsync(cancellationToken);
        try
        {
            return _root ??= await ResolveAsync(cancellationToken);
        }
        finally
        {
            PublishLock.Release();
        }
    }

    /// <summary>The entry assembly of a published app, e.g. <c>…/Web/EmrPortal.Web.dll</c>.</summary>
    public static string EntryAssembly(string root, string app) => Path.Combine(root, app, $"EmrPortal.{app}.dll");

    private static async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable("EMRPORTAL_PUBLISH_DIR");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var missing = Names.Where(app => !File.Exists(EntryAssembly(configured, app))).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException(
                    $"EMRPORTAL_PUBLISH_DIR={configured} lacks the published {string.Join(", ", missing)} (run ./test.sh, or unset it).");
            }

            return Path.GetFullPath(configured);
        }

        var root = Path.Combine(Path.GetTempPath(), "emrportal-e2e-publish");
        foreach (var app in Names)
        {
            await PublishAsync(app, Path.Combine(root, app), cancellationToken);
        }

        return root;
    }

    /// <summary>The same publish command test.sh and the Dockerfile run (restore included, as the output may be fresh).</summary>
    private static async Task PublishAsync(string app, string output, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["publish", $"src/EmrPortal.{app}/EmrPortal.{app}.csproj", "-c", "Release", "-nologo", "-o", output])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {app} failed:\n{await stdout}\n{await stderr}");
        }
    }
}

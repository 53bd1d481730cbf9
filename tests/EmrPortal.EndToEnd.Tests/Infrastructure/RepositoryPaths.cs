using System.Reflection;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from, and the artifact folders under it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = ResolveRoot();

    /// <summary><c>artifacts/</c> at the repository root (ignored by git; test.sh publishes and logs there).</summary>
    public static string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>Every process the tests start writes its stdout/stderr here (the secret scan reads these files).</summary>
    public static string Logs => Directory.CreateDirectory(Path.Combine(Artifacts, "logs")).FullName;

    public static string Screenshots => Directory.CreateDirectory(Path.Combine(Artifacts, "screenshots")).FullName;

    public static string Docs => Path.Combine(Root, "docs");

    private static string ResolveRoot()
    {
        var configured = Environment.GetEnvironmentVariable("EMRPORTAL_REPO_ROOT");
        var candidate = !string.IsNullOrWhiteSpace(configured)
            ? configured
            : typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;

        if (candidate is null || !File.Exists(Path.Combine(candidate, "EmrPortal.sln")))
        {
            throw new InvalidOperationException(
                $"Cannot find the EmrPortal repository (looked at '{candidate}'). Set EMRPORTAL_REPO_ROOT.");
        }

        return Path.GetFullPath(candidate);
    }
}

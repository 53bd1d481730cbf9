namespace EmrPortal.Deploy.Tests.Infrastructure;

internal static class RepositoryPaths
{
    public static string Root { get; } = ResolveRoot();

    public static string Kubernetes => Path.Combine(Root, "deploy", "kubernetes");

    public static string Overlay(string name) => Path.Combine(Kubernetes, "overlays", name);

    private static string ResolveRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmrPortal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EmrPortal.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Collections.Concurrent;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Throw-away SQLite portal databases, one folder per proxy process under the temp folder, deleted when the portal
/// fixture stops (after the processes that held them open).
/// </summary>
internal static class PortalDatabases
{
    private static readonly ConcurrentBag<string> Folders = [];

    /// <summary>A connection string to a database file that does not exist yet (the proxy creates and migrates it).</summary>
    public static string NewSqlite()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "emrportal-e2e-portaldb", Guid.NewGuid().ToString("N"))).FullName;
        Folders.Add(folder);
        return $"Data Source={Path.Combine(folder, "portal.db")}";
    }

    public static void DeleteAll()
    {
        while (Folders.TryTake(out var folder))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Still held by a process that has not quite exited: the temp folder keeps it, nothing depends on it.
            }
        }
    }
}

using EmrPortal.Deploy.Tests.Infrastructure;

namespace EmrPortal.Deploy.Tests;

/// <summary>Test helpers that more than one module needs live once, in tests/Shared, linked into each module.</summary>
public sealed class SharedTestSourceTests
{
    [Fact]
    public void Redis_server_is_started_by_one_shared_test_source_that_every_redis_module_links()
    {
        var tests = Path.Combine(RepositoryPaths.Root, "tests");
        var starters = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(f => File.ReadAllText(f).Contains("\"redis-server\"", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
            .ToList();

        Assert.Equal(["tests/Shared/RedisServer.cs"], starters);
        foreach (var module in new[] { "EmrPortal.Proxy.Tests", "EmrPortal.EndToEnd.Tests" })
        {
            var project = File.ReadAllText(Path.Combine(tests, module, $"{module}.csproj"));
            Assert.Contains(@"<Compile Include=""..\Shared\RedisServer.cs""", project, StringComparison.Ordinal);
        }
    }
}

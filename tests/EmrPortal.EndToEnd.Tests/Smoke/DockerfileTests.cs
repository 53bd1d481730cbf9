using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>Docker cannot run here, so the Dockerfile is held to what CI does run: test.sh's publish commands.</summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void Dockerfile_publishes_each_app_with_the_same_command_as_test_sh()
    {
        var docker = BuildScripts.DockerfilePublishCommands();
        var script = BuildScripts.TestScriptPublishCommands();

        Assert.Equal(["Emulator", "Proxy", "Web"], docker.Keys.Order());
        // test.sh also publishes the development identity provider for the Entra browser tests; it is never in an image.
        Assert.Equal(["DevIdentityProvider", .. docker.Keys.Order()], script.Keys.Order());
        foreach (var (app, arguments) in docker)
        {
            Assert.Equal(string.Join(' ', script[app]), string.Join(' ', arguments));
            Assert.Contains("Release", arguments);
            Assert.Contains("-p:PublishReadyToRun=true", arguments);
        }
    }

    [Theory]
    [InlineData("emulator", "Emulator")]
    [InlineData("proxy", "Proxy")]
    [InlineData("web", "Web")]
    public void Each_app_has_a_build_target_running_its_published_assembly(string target, string app)
    {
        var stage = Stage(target);

        Assert.Matches($@"COPY --from=publish-{target} /app \.", stage);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"EmrPortal.{app}.dll\"]", stage, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^FROM build AS publish-{target}\s*$", BuildScripts.Dockerfile);
    }

    [Fact]
    public void Runtime_image_is_chiseled_aspnet_runs_as_non_root_and_has_no_shell_healthcheck()
    {
        var dockerfile = BuildScripts.Dockerfile;
        var runtime = Stage("runtime");

        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build\s*$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0-noble-chiseled-extra AS runtime\s*$", dockerfile);
        Assert.Contains("USER $APP_UID", runtime, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?mi)^USER\s+(root|0)\b", dockerfile);
        Assert.DoesNotMatch(@"(?mi)^HEALTHCHECK\b", dockerfile);
        foreach (var target in new[] { "emulator", "proxy", "web" })
        {
            Assert.Matches(@"(?m)^FROM runtime AS " + target + @"\s*$", dockerfile);
            Assert.DoesNotMatch(@"(?m)^RUN ", Stage(target));
        }
    }

    [Fact]
    public void Dockerfile_bakes_in_no_secret_and_the_context_excludes_build_output_and_git()
    {
        var settings = BuildScripts.LogicalLines(BuildScripts.Dockerfile)
            .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal) || l.StartsWith("ARG ", StringComparison.Ordinal));
        foreach (var line in settings)
        {
            Assert.DoesNotMatch(SecretLikeSetting(), line);
        }

        Assert.DoesNotContain("LTAI", BuildScripts.Dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", BuildScripts.Dockerfile, StringComparison.Ordinal);

        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/", "artifacts/", "tests/" }, ignored);
    }

    [Fact]
    public void Restore_layer_copies_every_project_the_apps_reference()
    {
        // The restore layer copies project files one by one; a project added to an app's reference graph but not
        // copied there makes `docker build` fail at restore, which CI cannot see (no Docker engine).
        var copied = Regex.Matches(BuildScripts.Dockerfile, @"(?m)^COPY (src/\S+\.csproj) ")
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

        var needed = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(["src/EmrPortal.Emulator/EmrPortal.Emulator.csproj",
            "src/EmrPortal.Proxy/EmrPortal.Proxy.csproj", "src/EmrPortal.Web/EmrPortal.Web.csproj"]);
        while (pending.TryPop(out var project))
        {
            if (!needed.Add(project)) continue;
            var path = Path.Combine(RepositoryPaths.Root, project);
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(path)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.Groups[1].Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryPaths.Root, target).Replace('\\', '/'));
            }
        }

        Assert.Empty(needed.Except(copied));
    }

    [GeneratedRegex("""<ProjectReference\s+Include="([^"]+)"\s*/?>""")]
    private static partial Regex ProjectReference();

    /// <summary>The text of one <c>FROM … AS name</c> stage, up to the next FROM.</summary>
    private static string Stage(string name)
    {
        var match = Regex.Match(BuildScripts.Dockerfile, $@"(?ms)^FROM [^\n]* AS {Regex.Escape(name)}\s*$(?<body>.*?)(?=^FROM |\z)");
        Assert.True(match.Success, $"The Dockerfile has no stage '{name}'.");
        return match.Groups["body"].Value;
    }

    [GeneratedRegex(@"(?i)(secret|password|passwd|private|accesskey|token|connectionstrings?__|apikey)")]
    private static partial Regex SecretLikeSetting();
}

using System.Text.RegularExpressions;
using EmrPortal.Deploy.Tests.Infrastructure;

namespace EmrPortal.Deploy.Tests;

/// <summary>
/// No Docker engine runs here, so the Dockerfile is read: its stages, their base images, the user the apps run as,
/// and that the runtime stages need no shell (chiseled images have none).
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

    private static IReadOnlyList<(string Base, string Name, string Body)> Stages() =>
        StageHeader().Matches(Dockerfile)
            .Select(m => (m.Groups["base"].Value, m.Groups["name"].Value, m.Groups["body"].Value))
            .ToList();

    private static string Body(string stage) => Assert.Single(Stages(), s => s.Name == stage).Body;

    private static IEnumerable<string> Instructions(string body) =>
        body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Fact]
    public void Stages_build_on_the_sdk_and_run_on_the_chiseled_aspnet_image()
    {
        var stages = Stages().ToDictionary(s => s.Name, s => s.Base);

        Assert.Equal(
            ["build", "publish-emulator", "publish-proxy", "publish-web", "runtime", "emulator", "proxy", "web"],
            Stages().Select(s => s.Name));
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", stages["build"]);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra", stages["runtime"]);
        foreach (var app in new[] { "emulator", "proxy", "web" })
        {
            Assert.Equal("build", stages[$"publish-{app}"]);
            Assert.Equal("runtime", stages[app]);
        }

        // The last stage is the default target.
        Assert.Equal("web", Stages()[^1].Name);
    }

    [Fact]
    public void Runtime_runs_as_the_images_non_root_user_with_no_shell_commands_and_no_healthcheck()
    {
        Assert.Contains("USER $APP_UID", Instructions(Body("runtime")));
        Assert.DoesNotMatch(@"(?mi)^\s*USER\s+(root|0)\b", Dockerfile);
        Assert.DoesNotMatch(@"(?mi)^\s*HEALTHCHECK\b", Dockerfile);
        foreach (var stage in new[] { "runtime", "emulator", "proxy", "web" })
        {
            // Chiseled images have no shell: RUN or shell-form ENTRYPOINT/CMD could not work there.
            Assert.DoesNotContain(Instructions(Body(stage)), i => i.StartsWith("RUN ", StringComparison.Ordinal) || (i.StartsWith("USER ", StringComparison.Ordinal) && stage != "runtime"));
            Assert.All(Instructions(Body(stage)).Where(i => i.StartsWith("ENTRYPOINT ", StringComparison.Ordinal) || i.StartsWith("CMD ", StringComparison.Ordinal)),
                i => Assert.Matches(@"^(ENTRYPOINT|CMD) \[", i));
        }
    }

    [Theory]
    [InlineData("emulator", "Emulator")]
    [InlineData("proxy", "Proxy")]
    [InlineData("web", "Web")]
    public void Each_app_is_published_ready_to_run_for_linux_and_started_from_its_stage(string stage, string app)
    {
        var publish = Assert.Single(Instructions(Body($"publish-{stage}")), i => i.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));

        Assert.Contains($"src/EmrPortal.{app}/EmrPortal.{app}.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained false", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", publish, StringComparison.Ordinal);
        Assert.Contains($"COPY --from=publish-{stage} /app .", Instructions(Body(stage)));
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"EmrPortal.{app}.dll\"]", Instructions(Body(stage)));
    }

    [Fact]
    public void Test_script_publishes_ready_to_run_like_the_image()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "test.sh"));
        var publish = Regex.Match(script, @"dotnet publish [^\n]*\\\n[^\n]*").Value;

        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained false", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", publish, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?ms)^FROM (?<base>\S+) AS (?<name>\S+)\s*$(?<body>.*?)(?=^FROM |\z)")]
    private static partial Regex StageHeader();
}

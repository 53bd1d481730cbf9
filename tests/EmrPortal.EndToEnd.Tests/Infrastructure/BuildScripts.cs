using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Reads the publish commands out of the Dockerfile and test.sh, so a test can hold them equal: CI cannot run Docker,
/// so the image is trusted only as far as test.sh runs the same commands and smoke-starts their output.
/// </summary>
internal static partial class BuildScripts
{
    public static string Dockerfile => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

    public static string TestScript => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "test.sh"));

    /// <summary>Dockerfile: app name → the arguments of its <c>RUN dotnet publish …</c>, normalized.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DockerfilePublishCommands()
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var line in LogicalLines(Dockerfile))
        {
            var match = DockerfilePublish().Match(line);
            if (match.Success)
            {
                var arguments = Normalize(Tokenize(match.Groups["command"].Value));
                result.Add(AppOf(arguments), arguments);
            }
        }

        return result;
    }

    /// <summary>test.sh: the publish command inside <c>for app in …; do</c>, expanded for each app, normalized.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> TestScriptPublishCommands()
    {
        var script = TestScript;
        var configuration = ConfigurationAssignment().Match(script).Groups["value"].Value;
        var apps = PublishLoop().Match(script).Groups["apps"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var template = LogicalLines(script).Single(l => l.TrimStart().StartsWith("dotnet publish ", StringComparison.Ordinal));

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            var expanded = template
                .Replace("${app}", app, StringComparison.Ordinal).Replace("$app", app, StringComparison.Ordinal)
                .Replace("${configuration}", configuration, StringComparison.Ordinal)
                .Replace("$configuration", configuration, StringComparison.Ordinal);
            var arguments = Normalize(Tokenize(expanded));
            result.Add(AppOf(arguments), arguments);
        }

        return result;
    }

    /// <summary>Lines with backslash continuations joined and comments dropped.</summary>
    public static IEnumerable<string> LogicalLines(string text)
    {
        var current = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            yield return current.ToString().Trim();
            current.Clear();
        }
    }

    /// <summary>Shell words up to the first redirection or control operator; quotes removed.</summary>
    private static List<string> Tokenize(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in command)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        var end = words.FindIndex(w => w.StartsWith('>') || w is "||" or "&&" or "|" or ";" || w.StartsWith("2>", StringComparison.Ordinal));
        return end < 0 ? words : words[..end];
    }

    /// <summary>
    /// Drops what does not change the published bits: where they go (<c>-o</c>), console verbosity (<c>-clp</c>),
    /// and the leading <c>dotnet publish</c>.
    /// </summary>
    private static List<string> Normalize(List<string> words)
    {
        var result = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word is "-o" or "--output")
            {
                i++;
                continue;
            }

            if (word.StartsWith("-clp:", StringComparison.Ordinal) || word.StartsWith("--consoleLoggerParameters", StringComparison.OrdinalIgnoreCase)
                || (i < 2 && word is "dotnet" or "publish"))
            {
                continue;
            }

            result.Add(word);
        }

        return result;
    }

    private static string AppOf(IReadOnlyList<string> arguments)
    {
        var project = arguments.FirstOrDefault(a => a.EndsWith(".csproj", StringComparison.Ordinal))
                      ?? throw new InvalidOperationException($"No project in: {string.Join(' ', arguments)}");
        return ProjectName().Match(project).Groups["app"].Value;
    }

    [GeneratedRegex(@"^RUN\s+(?<command>dotnet\s+publish\s.*)$")]
    private static partial Regex DockerfilePublish();

    [GeneratedRegex(@"^configuration=(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex ConfigurationAssignment();

    [GeneratedRegex(@"for app in (?<apps>[A-Za-z ]+); do")]
    private static partial Regex PublishLoop();

    [GeneratedRegex(@"EmrPortal\.(?<app>[A-Za-z]+)\.csproj$")]
    private static partial Regex ProjectName();
}

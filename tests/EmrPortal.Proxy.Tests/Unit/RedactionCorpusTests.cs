using EmrPortal.Contracts;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>
/// The redactor against a corpus of realistic Spark session configurations (SparkConfigCorpus.txt): every marked
/// secret is gone from what a viewer gets, every unmarked value comes back untouched, and a reveal returns all of it.
/// </summary>
public sealed class RedactionCorpusTests
{
    private const string Open = "⟦";
    private const string Close = "⟧";

    private static readonly Redactor Redactor = new(new StaticOptions<RedactionOptions>(new RedactionOptions()));

    public static TheoryData<string> Sessions() => new(Corpus.Value.Select(s => s.Title));

    private static readonly Lazy<IReadOnlyList<CorpusSession>> Corpus = new(Load);

    [Fact]
    public void Corpus_holds_at_least_fifty_sessions_with_secrets_and_harmless_values()
    {
        var sessions = Corpus.Value;
        Assert.True(sessions.Count >= 50, $"only {sessions.Count} sessions");
        Assert.True(sessions.SelectMany(s => s.Lines).Count(l => l.Secrets.Count > 0) >= 60);
        Assert.True(sessions.SelectMany(s => s.Lines).Count(l => l.Secrets.Count == 0) >= 100);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Every_secret_is_masked_and_every_harmless_value_left_alone(string title)
    {
        var session = Corpus.Value.Single(s => s.Title == title);
        var detail = SessionMapper.ToDetail(new SessionCluster
        {
            WorkspaceId = "w-1",
            SessionClusterId = "sc-1",
            ApplicationConfigs = [.. session.Lines.Select(l => new ApplicationConfig { ConfigFileName = l.File, ConfigItemKey = l.Key, ConfigItemValue = l.Value })],
        }, "w-1");

        var redacted = Redactor.ToDto(detail, reveal: false, asOf: null);
        var revealed = Redactor.ToDto(detail, reveal: true, asOf: null);

        for (var i = 0; i < session.Lines.Count; i++)
        {
            var line = session.Lines[i];
            var shown = redacted.ApplicationConfigs[i];
            if (line.Secrets.Count == 0)
            {
                Assert.True(line.Value == shown.Value && !shown.Redacted, $"{title}: harmless '{line.Key}' was changed to '{shown.Value}'");
            }
            else
            {
                Assert.True(shown.Redacted, $"{title}: '{line.Key}' not marked redacted");
                foreach (var secret in line.Secrets)
                {
                    Assert.False(shown.Value!.Contains(secret, StringComparison.Ordinal), $"{title}: '{line.Key}' still shows '{secret}': {shown.Value}");
                }
            }

            Assert.Equal(line.Value, revealed.ApplicationConfigs[i].Value);
        }

        Assert.Equal(session.Lines.Any(l => l.Secrets.Count > 0), redacted.Redacted);
    }

    [Theory]
    [InlineData("accesskeysecret")]
    [InlineData("secretkey")]
    [InlineData("DBPASSWORD")]
    [InlineData("GITHUB_PAT")]
    [InlineData("apikey")]
    [InlineData("clientsecret")]
    [InlineData("sfpassword")]
    [InlineData("Access-Key-Secret")]
    [InlineData("spark.hadoop.ACCESS.KEY.SECRET")]
    public void Run_together_and_mixed_case_secret_keys_are_detected(string key) => Assert.True(Redactor.IsSecretKey(key));

    [Theory]
    [InlineData("spark.ssl.keyStoreType")]
    [InlineData("spark.io.encryption.keySizeBits")]
    [InlineData("spark.hadoop.fs.oss.credentials.provider")]
    [InlineData("spark.es.net.http.auth.user")]
    [InlineData("spark.custom.pgp.keyFile")]
    [InlineData("spark.sql.tokenizer")]
    [InlineData("spark.custom.keyspace")]
    public void Keys_that_describe_a_secret_are_not_secret(string key) => Assert.False(Redactor.IsSecretKey(key));

    [Fact]
    public void A_password_inside_a_value_is_masked_where_it_stands()
    {
        var (value, hidden) = Redactor.Redact("spark.datasource.url", "jdbc:mysql://db.internal:3306/app?user=etl&password=Pw!123&useSSL=true");
        Assert.True(hidden);
        Assert.Equal($"jdbc:mysql://db.internal:3306/app?user=etl&password={ApplicationConfigDto.RedactedValue}&useSSL=true", value);

        (value, hidden) = Redactor.Redact("spark.driver.extraJavaOptions", "-XX:+UseG1GC -Dfoo.password=S3cret -Duser.timezone=UTC");
        Assert.True(hidden);
        Assert.Equal($"-XX:+UseG1GC -Dfoo.password={ApplicationConfigDto.RedactedValue} -Duser.timezone=UTC", value);

        (value, hidden) = Redactor.Redact("spark.jars.repositories", "https://deployer:pw9@nexus.example.com/repo/");
        Assert.True(hidden);
        Assert.Equal($"https://deployer:{ApplicationConfigDto.RedactedValue}@nexus.example.com/repo/", value);
    }

    private static IReadOnlyList<CorpusSession> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Unit", "SparkConfigCorpus.txt");
        var sessions = new List<CorpusSession>();
        CorpusSession? current = null;
        var file = "spark-defaults.conf";
        foreach (var raw in File.ReadLines(path))
        {
            if (raw.Length == 0 || raw.StartsWith('#'))
            {
                continue;
            }

            if (raw.StartsWith("=== ", StringComparison.Ordinal))
            {
                current = new CorpusSession(raw[4..].Trim(), []);
                sessions.Add(current);
                continue;
            }

            if (raw.StartsWith("@file ", StringComparison.Ordinal))
            {
                file = raw[6..].Trim();
                continue;
            }

            var split = raw.IndexOf(" = ", StringComparison.Ordinal);
            if (current is null || split < 0)
            {
                throw new InvalidDataException($"Corpus line not understood: {raw}");
            }

            var marked = raw[(split + 3)..];
            var secrets = new List<string>();
            var start = marked.IndexOf(Open, StringComparison.Ordinal);
            while (start >= 0)
            {
                var end = marked.IndexOf(Close, start, StringComparison.Ordinal);
                secrets.Add(marked[(start + 1)..end]);
                start = marked.IndexOf(Open, end, StringComparison.Ordinal);
            }

            current.Lines.Add(new CorpusLine(file, raw[..split].Trim(), marked.Replace(Open, "").Replace(Close, ""), secrets));
        }

        return sessions;
    }

    private sealed record CorpusSession(string Title, List<CorpusLine> Lines);

    private sealed record CorpusLine(string File, string Key, string Value, IReadOnlyList<string> Secrets);
}

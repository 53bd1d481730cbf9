using EmrPortal.Contracts;
using EmrPortal.Emr.Models;
using EmrPortal.Proxy.Sessions;
using Microsoft.Extensions.Options;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class RedactionAndMappingTests
{
    private static Redactor Redactor(params string[] patterns) =>
        new(new StaticOptions<RedactionOptions>(new RedactionOptions { KeyPatterns = [.. patterns] }));

    [Theory]
    [InlineData("spark.hadoop.fs.oss.accessKeySecret")]
    [InlineData("spark.hadoop.fs.oss.accessKeyId")]
    [InlineData("fs.s3a.access.key")]
    [InlineData("javax.jdo.option.ConnectionPassword")]
    [InlineData("spark.sql.catalog.password")]
    [InlineData("spark.kafka.sasl.token")]
    [InlineData("AWSSecretKey")]
    [InlineData("spark.ssl.keyStorePassword")]
    [InlineData("KEY")]
    [InlineData("db_credentials")]
    [InlineData("kafka.sasl.jaas.config")]
    public void Secret_looking_keys_are_detected(string key) => Assert.True(Redactor().IsSecretKey(key));

    [Theory]
    [InlineData("spark.monkey.count")]
    [InlineData("spark.driver.memory")]
    [InlineData("spark.sql.shuffle.partitions")]
    [InlineData("turkey")]
    [InlineData("spark.keystore.type")]
    [InlineData("")]
    [InlineData(null)]
    public void Ordinary_keys_are_not_redacted(string? key) => Assert.False(Redactor().IsSecretKey(key));

    [Fact]
    public void Configured_patterns_replace_the_defaults_and_may_span_words()
    {
        var redactor = Redactor("private key", "dsn");
        Assert.True(redactor.IsSecretKey("ssh.privateKey"));
        Assert.True(redactor.IsSecretKey("sentry.DSN"));
        Assert.False(redactor.IsSecretKey("spark.password"));
        Assert.False(redactor.IsSecretKey("public.key"));
    }

    [Fact]
    public void Detail_redacts_values_unless_revealed_and_drops_the_connection_token()
    {
        var cluster = new SessionCluster
        {
            WorkspaceId = "w-1",
            SessionClusterId = "sc-1",
            ConnectionToken = "ct-very-secret",
            WebUI = "javascript:alert(1)",
            Domain = "evil.example.com; rm -rf ~",
            DomainInner = "gateway-1.cn-hangzhou.emr.aliyuncs.com",
            ApplicationConfigs =
            [
                new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.hadoop.fs.oss.accessKeySecret", ConfigItemValue = "abc123" },
                new ApplicationConfig { ConfigFileName = "spark-defaults.conf", ConfigItemKey = "spark.driver.memory", ConfigItemValue = "4g" },
            ],
        };
        var detail = SessionMapper.ToDetail(cluster, "w-1");

        var redacted = Redactor().ToDto(detail, reveal: false, asOf: null);
        var revealed = Redactor().ToDto(detail, reveal: true, asOf: null);

        Assert.True(redacted.Redacted);
        Assert.Equal([ApplicationConfigDto.RedactedValue, "4g"], redacted.ApplicationConfigs.Select(c => c.Value));
        Assert.Equal([true, false], redacted.ApplicationConfigs.Select(c => c.Redacted));
        Assert.False(revealed.Redacted);
        Assert.Equal(["abc123", "4g"], revealed.ApplicationConfigs.Select(c => c.Value));
        Assert.Null(redacted.WebUI);
        Assert.Null(redacted.Domain);
        Assert.Equal("gateway-1.cn-hangzhou.emr.aliyuncs.com", redacted.DomainInner);
        Assert.DoesNotContain("ct-very-secret", System.Text.Json.JsonSerializer.Serialize(redacted, PortalJsonContext.Default.SessionDetailDto));
    }

    [Theory]
    [InlineData("https://emr-spark-ui.cn-hangzhou.aliyuncs.com/ui", true)]
    [InlineData("http://localhost:4040/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("data:text/html,hi", false)]
    [InlineData("https://user:pw@host/", false)]
    [InlineData("/relative", false)]
    [InlineData(null, false)]
    public void Only_plain_http_links_pass(string? url, bool passes) =>
        Assert.Equal(passes, SessionMapper.SafeWebUrl(url) is not null);

    [Theory]
    [InlineData("emr-spark-gateway-sc-1.cn-hangzhou.emr.aliyuncs.com", true)]
    [InlineData("host:10001", true)]
    [InlineData("-oProxyCommand=calc", false)]
    [InlineData("a b", false)]
    [InlineData("evil.com;rm", false)]
    public void Only_host_names_pass_as_domains(string domain, bool passes) =>
        Assert.Equal(passes, SessionMapper.SafeHostName(domain) is not null);
}

internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

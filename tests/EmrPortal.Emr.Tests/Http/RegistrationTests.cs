using EmrPortal.Emr.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emr.Tests.Http;

public sealed class RegistrationTests
{
    private static OptionsValidationException Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmrServerlessSparkClient(configuration);
        using var provider = services.BuildServiceProvider();
        // What ValidateOnStart runs when the host starts.
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void Missing_secret_fails_at_start_naming_the_setting_without_echoing_values()
    {
        var error = Validate(new() { ["Emr:Endpoint"] = "http://localhost:5180", ["Emr:AccessKeyId"] = "LTAI-visible-id-4711" });

        Assert.Contains("Emr:AccessKeySecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LTAI-visible-id-4711", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Emr:AccessKeyId is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_endpoint_and_region_fails_naming_both_settings()
    {
        var error = Validate(new() { ["Emr:AccessKeyId"] = "ak", ["Emr:AccessKeySecret"] = "very-secret-value" });

        Assert.Contains("Emr:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("Emr:RegionId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_endpoint_is_reported_without_echoing_it()
    {
        var error = Validate(new() { ["Emr:Endpoint"] = "ftp://user:pw@host", ["Emr:AccessKeyId"] = "ak", ["Emr:AccessKeySecret"] = "s" });

        Assert.Contains("Emr:Endpoint is not a valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user:pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Region_alone_selects_the_public_https_endpoint()
    {
        var stub = new StubHttpHandler((_, _) => StubHttpHandler.Json("""{"requestId":"R"}"""));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emr:RegionId"] = "cn-hangzhou",
            ["Emr:AccessKeyId"] = "ak",
            ["Emr:AccessKeySecret"] = "s",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEmrServerlessSparkClient(configuration).ConfigurePrimaryHttpMessageHandler(() => stub);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        await provider.GetRequiredService<IEmrServerlessSparkClient>().ListReleaseVersionsAsync(cancellationToken: TestContext.Current.CancellationToken);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/api/v1/releaseVersions?regionId=cn-hangzhou", sent.Uri.AbsoluteUri);
        Assert.Equal("emr-serverless-spark.cn-hangzhou.aliyuncs.com", sent.Header("Host"));
    }
}

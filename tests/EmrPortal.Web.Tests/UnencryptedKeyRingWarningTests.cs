using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmrPortal.Web.Tests;

/// <summary>Production with the key ring in Redis but no certificate to encrypt it: a warning at start naming the setting.</summary>
public sealed class UnencryptedKeyRingWarningTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    [Theory]
    [InlineData("Production", false, true)]
    [InlineData("Production", true, false)]
    [InlineData("Development", false, false)]
    public async Task Warns_at_start_only_in_production_without_a_certificate(string environment, bool withCertificate, bool warns)
    {
        var logs = new Capture();
        var certificate = withCertificate ? WritePfx() : null;
        try
        {
            await using var app = factory.WithWebHostBuilder(b =>
            {
                b.UseEnvironment(environment);
                // No redis-server is needed: the multiplexer connects lazily and the warning is decided at start.
                b.UseSetting("ConnectionStrings:redis", "127.0.0.1:9,abortConnect=false,connectTimeout=100");
                if (certificate is not null)
                {
                    b.UseSetting("DataProtection:CertificatePath", certificate);
                }

                b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs));
            });

            _ = app.Server;

            var warning = logs.Lines.Where(l => l.Contains("key ring is shared through Redis unencrypted", StringComparison.Ordinal)).ToList();
            Assert.Equal(warns, warning.Count == 1);
            if (warns)
            {
                Assert.Contains("DataProtection:CertificatePath", warning[0], StringComparison.Ordinal);
            }
        }
        finally
        {
            if (certificate is not null) File.Delete(certificate);
        }
    }

    private static string WritePfx()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=emrportal-test-dataprotection", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"emrportal-dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        return path;
    }

    private sealed class Capture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(Capture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) owner.Lines.Enqueue(formatter(state, exception));
            }
        }
    }
}

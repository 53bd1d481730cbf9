using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Entra;

/// <summary>No process of the Entra-mode portal logged the client secret or a token (scans what was logged so far; in a full run that includes the sign-in tests).</summary>
[Collection(EntraCollection.Name)]
public sealed partial class EntraSecretScanTests(EntraPortalFixture portal)
{
    [Fact]
    public async Task Entra_mode_logs_carry_no_client_secret_and_no_token()
    {
        portal.EnsureRunning();
        // At least one sign-in and one proxy call happened, so the scan has something to look at.
        var token = await portal.Provider.MintAsync(new { user = "viewer" }, TestContext.Current.CancellationToken);
        Assert.Matches(Jwt(), token);

        foreach (var process in portal.Processes)
        {
            var log = await File.ReadAllTextAsync(process.LogPath, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(portal.ClientSecret, log, StringComparison.Ordinal);
            Assert.DoesNotMatch(Jwt(), log);
        }
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.")]
    private static partial Regex Jwt();
}

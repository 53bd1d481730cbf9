using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Audit;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class AuditRepeatsTests
{
    private static AuditRecord Refusal(DateTimeOffset at, string session, string user = "u1", string outcome = "not-found") =>
        new(at, user, "User One", "session.view", "w-1", session, outcome);

    [Fact]
    public void Repeated_identical_refusals_become_one_entry_with_count_and_first_and_last_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var repeats = new AuditRepeats(time);
        var start = time.GetUtcNow();

        Assert.True(repeats.Admit(Refusal(start, "sc-0")));
        for (var i = 1; i <= 500; i++)
        {
            Assert.False(repeats.Admit(Refusal(start.AddMilliseconds(100 * i), $"sc-{i}")));
        }

        // Another user's refusal and an allowed outcome are their own entries.
        Assert.True(repeats.Admit(Refusal(start, "sc-x", user: "u2")));
        Assert.Empty(repeats.Flush());

        time.Advance(AuditRepeats.Window);
        var summary = Assert.Single(repeats.Flush(), s => s.UserId == "u1");
        Assert.Equal(500, summary.Count);
        Assert.Equal(start.AddMilliseconds(100), summary.At);
        Assert.Equal(start.AddMilliseconds(50_000), summary.LastAt);
        Assert.Null(summary.SessionClusterId); // the ids differed
        Assert.Equal("not-found", summary.Outcome);

        // A new window starts with an entry of its own again.
        Assert.True(repeats.Admit(Refusal(time.GetUtcNow(), "sc-9")));
    }

    [Fact]
    public void A_refusal_after_the_window_closes_the_old_run_and_is_recorded()
    {
        var time = new FakeTimeProvider();
        var repeats = new AuditRepeats(time);
        var start = time.GetUtcNow();
        Assert.True(repeats.Admit(Refusal(start, "sc-1", outcome: "denied")));
        Assert.False(repeats.Admit(Refusal(start.AddSeconds(1), "sc-1", outcome: "denied")));
        Assert.True(repeats.Admit(Refusal(start + AuditRepeats.Window, "sc-1", outcome: "denied")));

        var summary = Assert.Single(repeats.Flush());
        Assert.Equal((1, "sc-1"), (summary.Count, summary.SessionClusterId));
        Assert.Empty(repeats.Flush(all: true)); // the new run has no repeats yet
    }
}

using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Tests.Insights;
using EmrPortal.Proxy.Timeline;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>The edge between API summaries and the history store's opaque documents.</summary>
public sealed class SessionHistoryMappingTests
{
    [Fact]
    public void Per_view_enrichments_are_not_part_of_the_stored_document()
    {
        var plain = PortalRepositoryTests.Summary("a", "Running");
        var enriched = plain with { Pinned = true, ReleaseOutdated = true, NoLongerListed = true, StateSince = DateTimeOffset.UnixEpoch };

        // Same document, so pinning a session or a new release list never records a change of the session itself.
        Assert.Equal(SessionHistoryMapping.ToObserved(plain).SummaryJson, SessionHistoryMapping.ToObserved(enriched).SummaryJson);
        Assert.NotEqual(
            SessionHistoryMapping.ToObserved(plain).SummaryJson,
            SessionHistoryMapping.ToObserved(plain with { Name = "renamed" }).SummaryJson);
    }

    [Fact]
    public void A_no_longer_listed_session_comes_back_marked_with_its_recorded_state_time()
    {
        var since = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var stored = SessionHistoryMapping.ToObserved(PortalRepositoryTests.Summary("b", "Stopped", user: "bob.li"));

        var summary = SessionHistoryMapping.ToSummary("w9", new LastKnownSession("b", since, stored.SummaryJson))!;

        Assert.Equal(("w9", "b", "bob.li", "Stopped", since, true),
            (summary.WorkspaceId, summary.SessionClusterId, summary.UserName, summary.State, summary.StateSince, summary.NoLongerListed));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    public void An_unreadable_document_is_skipped_not_thrown(string json) =>
        Assert.Null(SessionHistoryMapping.ToSummary("w1", new LastKnownSession("x", DateTimeOffset.UnixEpoch, json)));
}

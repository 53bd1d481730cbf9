using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Tests.Unit;

/// <summary>"In this state since": the cloud API's own start time where it has one, else the portal's observation, flagged.</summary>
public sealed class StateSinceTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Observed = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);

    private static SessionSummaryDto Session(string state, DateTimeOffset? startTime) =>
        new("w-1", "sc-1", "etl", state, null, null, "SQL", "dev", "u-1", "alice", "esr-4", null, Started.AddDays(-1), startTime, null, null, null);

    [Theory]
    [InlineData(SessionStates.Running)]
    [InlineData(SessionStates.Starting)]
    public void A_started_session_uses_the_api_start_time_not_the_portals_first_sight(string state) =>
        Assert.Equal(((DateTimeOffset?)Started, false), SessionListing.StateSinceOf(Session(state, Started), Observed));

    [Theory]
    [InlineData(SessionStates.Stopped)]
    [InlineData(SessionStates.Error)]
    [InlineData(SessionStates.Stopping)]
    [InlineData("Upgrading")]
    public void Other_states_have_no_api_time_and_use_the_observation_flagged_as_observed(string state) =>
        Assert.Equal(((DateTimeOffset?)Observed, true), SessionListing.StateSinceOf(Session(state, Started), Observed));

    [Fact]
    public void A_running_session_without_a_start_time_falls_back_to_the_observation() =>
        Assert.Equal(((DateTimeOffset?)Observed, true), SessionListing.StateSinceOf(Session(SessionStates.Running, null), Observed));

    [Fact]
    public void Nothing_known_is_null_and_not_observed() =>
        Assert.Equal(((DateTimeOffset?)null, false), SessionListing.StateSinceOf(Session(SessionStates.Stopped, null), null));
}

using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Web.Options;

/// <summary>How the portal treats circuits (section <c>Circuits</c>).</summary>
public sealed class PortalCircuitOptions
{
    public const string Section = "Circuits";

    /// <summary>A tab hidden this long pauses its circuit (its view is kept as persisted state; the server releases the
    /// circuit) and resumes it when shown again. Zero never pauses.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PauseHiddenAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long the server keeps a paused circuit's state in memory (the browser keeps a protected copy too).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PausedStateRetention { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How many paused circuits' states the server keeps in memory at most.</summary>
    [Range(0, 100_000)]
    public int PausedStateMaxRetained { get; set; } = 1000;
}

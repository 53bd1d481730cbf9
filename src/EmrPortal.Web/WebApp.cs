namespace EmrPortal.Web;

/// <summary>Marker type for <c>WebApplicationFactory&lt;WebApp&gt;</c>: the app has a top-level program, so there is no
/// <c>Program</c> type tests may rely on.</summary>
public sealed class WebApp;

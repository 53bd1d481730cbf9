namespace EmrPortal.Emulator;

/// <summary>Marker for <c>WebApplicationFactory&lt;EmulatorApp&gt;</c>; the app itself is a top-level program.</summary>
public sealed class EmulatorApp;

using EmrPortal.EndToEnd.Tests.Infrastructure;

// The published portal and the browser start once for the whole module. Tests run one at a time (xunit.runner.json:
// parallelizeTestCollections=false) because they share them, and the fault-mode test changes the emulator for all.
[assembly: AssemblyFixture(typeof(PortalFixture))]
[assembly: AssemblyFixture(typeof(BrowserFixture))]

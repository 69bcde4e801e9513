namespace OrleansCache.TestSupport.Browser;

/// <summary>
/// The name of the test collection every headless-browser test joins. A test assembly defines it once with
/// <c>[CollectionDefinition(BrowserTests.Collection, DisableParallelization = true)]</c>, so Chromium (heavy on a small
/// machine) never runs alongside the timing-sensitive tests of that assembly.
/// </summary>
public static class BrowserTests
{
    public const string Collection = "Headless browser";
}

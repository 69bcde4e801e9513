using OrleansCache.TestSupport.Browser;
using Xunit;

namespace OrleansCache.Silo.Tests.Infrastructure;

/// <summary>Test collections that must not run beside others.</summary>
public static class Collections
{
    /// <summary>The one test that runs a silo on Orleans' default ports (11111, 30000), alone.</summary>
    public const string DefaultPorts = "Default ports";
}

[CollectionDefinition(Collections.DefaultPorts, DisableParallelization = true)]
public sealed class DefaultPortsCollection;

[CollectionDefinition(BrowserTests.Collection, DisableParallelization = true)]
public sealed class BrowserCollection;

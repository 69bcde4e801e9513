using OrleansCache.TestSupport.Browser;
using Xunit;

namespace OrleansCache.Redis.Tests;

/// <summary>Browser tests run on their own, after the parallel ones (see <see cref="BrowserTests"/>).</summary>
[CollectionDefinition(BrowserTests.Collection, DisableParallelization = true)]
public sealed class BrowserCollection;

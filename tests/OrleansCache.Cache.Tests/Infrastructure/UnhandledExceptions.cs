using System.Runtime.CompilerServices;
using OrleansCache.TestSupport.Diagnostics;

namespace OrleansCache.Cache.Tests.Infrastructure;

/// <summary>Records unhandled exceptions with their stacks from the moment this assembly loads.</summary>
internal static class UnhandledExceptions
{
    [ModuleInitializer]
    internal static void Register() => UnhandledExceptionLog.Register();
}

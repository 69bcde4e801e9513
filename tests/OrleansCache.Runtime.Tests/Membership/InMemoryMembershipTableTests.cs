using OrleansCache.TestSupport.Conformance;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Runtime.Tests.Membership;

public sealed class InMemoryMembershipTableTests : MembershipTableConformanceTests
{
    protected override Task<IMembershipTable> CreateTableAsync() => Task.FromResult<IMembershipTable>(new InMemoryMembershipTable());
}

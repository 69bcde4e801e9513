using Xunit;

// The fuzz tests run one after another: several check process-wide signals (unobserved task exceptions, the runtime's
// open-connection counter, allocation per input) that another test running alongside would disturb.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

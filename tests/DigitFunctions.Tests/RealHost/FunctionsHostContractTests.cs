using Digit.Testing.Hosts;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The contract suite against the Functions app under the real Functions host.</summary>
public sealed class FunctionsHostContractTests(FunctionsHost host) : ContractSuite(host), IClassFixture<FunctionsHost>;

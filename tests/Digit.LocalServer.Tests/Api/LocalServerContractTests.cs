using Digit.LocalServer.Tests.Support;
using Digit.Testing.Hosts;

namespace Digit.LocalServer.Tests.Api;

/// <summary>The contract suite against the local server with its defaults (training state in memory).</summary>
public sealed class LocalServerContractTests(InProcessLocalServer host) : ContractSuite(host), IClassFixture<InProcessLocalServer>;

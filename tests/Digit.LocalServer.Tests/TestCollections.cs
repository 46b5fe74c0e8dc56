using Digit.Testing;

// Test classes start servers that train with every core. They run one after another, so that the timing promises
// (an event every second, a stop within two seconds) are measured on a machine not running other trainings.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Digit.LocalServer.Tests;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Redis server";
}

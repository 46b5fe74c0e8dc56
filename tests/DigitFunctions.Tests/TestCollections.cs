using Digit.Testing;

// The orchestration tests train with every core; test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Digit.Functions.Tests;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Redis server";
}

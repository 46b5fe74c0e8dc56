using Digit.LocalServer.Tests.Support;
using Digit.Testing.Hosts;
using Xunit.Abstractions;

namespace Digit.LocalServer.Tests.Api;

/// <summary>The local server training as a default "Train model" does.</summary>
public sealed class DefaultTrainingLocalServer : InProcessLocalServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => LearningLoopSuite.DefaultTraining;
}

/// <summary>The learning loop on the local server.</summary>
public sealed class LearningLoopTests(DefaultTrainingLocalServer host, ITestOutputHelper output)
    : LearningLoopSuite(host, output), IClassFixture<DefaultTrainingLocalServer>;

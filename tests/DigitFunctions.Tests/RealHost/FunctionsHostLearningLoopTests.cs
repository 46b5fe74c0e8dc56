using Digit.Testing.Hosts;
using Xunit.Abstractions;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The Functions app under the real host, training as a default "Train model" does.</summary>
public sealed class DefaultTrainingFunctionsHost() : FunctionsHost(LearningLoopSuite.DefaultTraining);

/// <summary>The learning loop on the Functions app under the real host.</summary>
public sealed class FunctionsHostLearningLoopTests(DefaultTrainingFunctionsHost host, ITestOutputHelper output)
    : LearningLoopSuite(host, output), IClassFixture<DefaultTrainingFunctionsHost>;

using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Digit.Functions.Tests.RealHost.RealHostTestFramework", "DigitFunctions.Tests")]

namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// xunit's own framework, with the real-host tests' outcome when no Functions host is found: a test failed by
/// <see cref="FunctionsHostMissingException"/> alone is reported skipped with its message, so every other test runs and
/// the closing count shows them skipped; under CI=true the run fails at once with the line saying what to install.
/// The run starts by saying which host the real-host tests use.
/// </summary>
internal sealed class RealHostTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // The runner waits for the assembly's finished message, not for this method.
        protected override void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions) =>
            _ = RunAllAsync(testCases, executionMessageSink, executionOptions);

        private async Task RunAllAsync(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            try
            {
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"Real-host tests run under {FunctionsHostSelection.FindHere()}."));
            }
            catch (FunctionsHostMissingException missing)
            {
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"Real-host tests are skipped. {missing.Message}"));
            }
            catch (InvalidOperationException noHost) when (noHost.Message == FunctionsHostSelection.InstallLine)
            {
                FailAtOnce(testCases.ToArray(), executionMessageSink, noHost);
                return;
            }
            catch (InvalidOperationException unusable)
            {
                // A FUNCTIONS_HOST_DIR that holds no host: the real-host tests fail with this, and every other test runs.
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"Real-host tests cannot run: {unusable.Message}"));
            }

            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }

        // The run reports one error and runs nothing: a CI machine without a host cannot pass, so it should not spend minutes finding out.
        private void FailAtOnce(IXunitTestCase[] testCases, IMessageSink sink, InvalidOperationException noHost)
        {
            sink.OnMessage(new TestAssemblyStarting(testCases, TestAssembly, DateTime.Now, "", ""));
            sink.OnMessage(new ErrorMessage(testCases, [noHost.GetType().FullName!], [noHost.Message], [""], [-1]));
            sink.OnMessage(new TestAssemblyFinished(testCases, TestAssembly, 0, 0, 0, 0));
        }
    }

    private sealed class AssemblyRunner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection,
            IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource) =>
            new CollectionRunner(testCollection, testCases, DiagnosticMessageSink, messageBus, TestCaseOrderer, new ExceptionAggregator(Aggregator), cancellationTokenSource)
                .RunAsync();
    }

    private sealed class CollectionRunner(ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageBus messageBus, ITestCaseOrderer testCaseOrderer, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
        : XunitTestCollectionRunner(testCollection, testCases, diagnosticMessageSink, messageBus, testCaseOrderer, aggregator, cancellationTokenSource)
    {
        protected override Task<RunSummary> RunTestClassAsync(ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases) =>
            new ClassRunner(testClass, @class, testCases, DiagnosticMessageSink, MessageBus, TestCaseOrderer, new ExceptionAggregator(Aggregator),
                CancellationTokenSource, CollectionFixtureMappings).RunAsync();
    }

    private sealed class ClassRunner(ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageBus messageBus, ITestCaseOrderer testCaseOrderer, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource,
        IDictionary<Type, object> collectionFixtureMappings)
        : XunitTestClassRunner(testClass, @class, testCases, diagnosticMessageSink, messageBus, testCaseOrderer, aggregator, cancellationTokenSource, collectionFixtureMappings)
    {
        protected override async Task<RunSummary> RunTestMethodAsync(ITestMethod testMethod, IReflectionMethodInfo method, IEnumerable<IXunitTestCase> testCases,
            object[] constructorArguments)
        {
            using var bus = new SkippingMessageBus(MessageBus);
            var summary = await new XunitTestMethodRunner(testMethod, Class, method, testCases, DiagnosticMessageSink, bus, new ExceptionAggregator(Aggregator),
                CancellationTokenSource, constructorArguments).RunAsync();
            summary.Failed -= bus.Skipped;
            summary.Skipped += bus.Skipped;
            return summary;
        }
    }

    /// <summary>Turns a failure by <see cref="FunctionsHostMissingException"/> alone into a skip, and the counts after it with it.</summary>
    private sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        private static readonly string Missing = typeof(FunctionsHostMissingException).FullName!;
        private readonly Dictionary<ITestCase, int> _skippedByCase = [];

        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message) => inner.QueueMessage(message switch
        {
            ITestFailed failed when failed.ExceptionTypes is [var type] && type == Missing => Skip(failed),
            ITestCaseFinished finished when _skippedByCase.GetValueOrDefault(finished.TestCase) is > 0 and var count =>
                new TestCaseFinished(finished.TestCase, finished.ExecutionTime, finished.TestsRun, finished.TestsFailed - count, finished.TestsSkipped + count),
            ITestMethodFinished finished when Skipped > 0 =>
                new TestMethodFinished(finished.TestCases, finished.TestMethod, finished.ExecutionTime, finished.TestsRun, finished.TestsFailed - Skipped, finished.TestsSkipped + Skipped),
            _ => message,
        });

        private TestSkipped Skip(ITestFailed failed)
        {
            Skipped++;
            _skippedByCase[failed.TestCase] = _skippedByCase.GetValueOrDefault(failed.TestCase) + 1;
            return new TestSkipped(failed.Test, failed.Messages[0]);
        }

        public void Dispose()
        {
            // The inner bus belongs to the class runner.
        }
    }
}

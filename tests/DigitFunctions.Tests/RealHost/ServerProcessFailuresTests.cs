using Digit.Testing;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The host's fail: lines survive a long log, whose middle the kept output drops.</summary>
public sealed class ServerProcessFailuresTests
{
    [Fact]
    public async Task Failures_LoggedEarlyInALongLog_AreKeptWithTheLinesUnderThem()
    {
        const string script = """
            for i in $(seq 1 100); do echo "info: Start[0] line $i"; done
            echo "fail: Function.RetrainOrchestrator[3]"
            echo "      Executed 'Functions.RetrainOrchestrator' (Failed)"
            echo "      System.TypeLoadException: Could not load type 'FunctionTimeoutAbortException'"
            echo "info: After[0]"; echo "      not a failure"
            for i in $(seq 1 2000); do echo "info: Noise[0] line $i"; done
            echo "crit: Host[9]"; echo "      The end"
            """;
        using var process = ServerProcess.Start("bash", ["-c", script]);

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.DoesNotContain("TypeLoadException", process.Output, StringComparison.Ordinal);
        Assert.Equal(
            [
                "fail: Function.RetrainOrchestrator[3]",
                "      Executed 'Functions.RetrainOrchestrator' (Failed)",
                "      System.TypeLoadException: Could not load type 'FunctionTimeoutAbortException'",
                "crit: Host[9]",
                "      The end",
            ],
            process.Failures.Split(Environment.NewLine));
    }
}

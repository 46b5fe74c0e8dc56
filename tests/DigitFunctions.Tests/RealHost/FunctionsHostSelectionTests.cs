using Digit.Testing;

namespace Digit.Functions.Tests.RealHost;

public sealed class FunctionsHostSelectionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("digit-host-selection-");

    public void Dispose() => _folder.Delete(recursive: true);

    // A clone with nothing beside it: no ../shared.
    private string Repository => Directory.CreateDirectory(Path.Combine(_folder.FullName, "clone", "digit")).FullName;

    [Fact]
    public async Task Command_FuncOnPath_StartsFuncInThePublishFolderWithPortCorsAuthAndTheSettings()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_folder.FullName, "bin")).FullName;
        var record = Path.Combine(_folder.FullName, "record.txt");
        WriteScript(Path.Combine(bin, "func"), $$"""
            #!/bin/sh
            { pwd; printf 'arg %s\n' "$@"; echo "WEBSITE_HOSTNAME=$WEBSITE_HOSTNAME"; echo "AzureWebJobsStorage=$AzureWebJobsStorage";
              echo "FUNCTIONS_WORKER_RUNTIME=$FUNCTIONS_WORKER_RUNTIME"; } > '{{record}}'
            """);
        var publish = Directory.CreateDirectory(Path.Combine(_folder.FullName, "publish")).FullName;

        var selection = FunctionsHostSelection.Find(Variables(("PATH", $"/no/such/folder:{bin}")), Repository);
        var command = selection.Command(publish, 7123, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["CORS_ALLOWED_ORIGINS"] = "[\"http://127.0.0.1:3999\",\"http://localhost:3000\"]",
        });
        using (var process = ServerProcess.Start(command.Program, command.Arguments, command.Environment, command.WorkingDirectory))
        {
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(FunctionsHostKind.CoreTools, selection.Kind);
        Assert.Contains("Core Tools", selection.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            [
                publish,
                "arg start", "arg --port", "arg 7123", "arg --enableAuth", "arg --cors", "arg http://127.0.0.1:3999,http://localhost:3000",
                "WEBSITE_HOSTNAME=localhost:7123",
                "AzureWebJobsStorage=UseDevelopmentStorage=true",
                "FUNCTIONS_WORKER_RUNTIME=dotnet-isolated",
            ],
            File.ReadAllLines(record));
    }

    [Fact]
    public void Find_FuncOnPathThatIsNotExecutable_IsNoHost()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_folder.FullName, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "func"), "not a program");

        var missing = Assert.Throws<FunctionsHostMissingException>(() => FunctionsHostSelection.Find(Variables(("PATH", bin)), Repository));

        Assert.Equal(FunctionsHostSelection.InstallLine, missing.Message);
    }

    [Fact]
    public void Find_NoHostAnywhere_IsMissingWithTheInstallLine()
    {
        var missing = Assert.Throws<FunctionsHostMissingException>(() => FunctionsHostSelection.Find(Variables(("PATH", "/no/such/folder")), Repository));

        Assert.Equal(FunctionsHostSelection.InstallLine, missing.Message);
        Assert.Contains("Core Tools", missing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', missing.Message);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("1")]
    public void Find_NoHostAnywhereUnderCi_FailsWithTheInstallLine(string ci)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => FunctionsHostSelection.Find(Variables(("PATH", "/no/such/folder"), ("CI", ci)), Repository));

        Assert.Equal(FunctionsHostSelection.InstallLine, failure.Message);
    }

    [Fact]
    public void InstallLine_IsTheOneTheTestScriptPrintsUnderCi() =>
        Assert.Contains($"echo '{FunctionsHostSelection.InstallLine}' >&2", File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "scripts", "test.sh")), StringComparison.Ordinal);

    [Fact]
    public void Find_HostDirThatIsMissing_FailsNamingTheVariableAndTheFolder()
    {
        var missing = Path.Combine(_folder.FullName, "no-such-host");
        var bin = FakeFunc();

        var failure = Assert.Throws<InvalidOperationException>(() =>
            FunctionsHostSelection.Find(Variables(("FUNCTIONS_HOST_DIR", missing), ("PATH", bin)), Repository));

        Assert.Contains($"FUNCTIONS_HOST_DIR is {missing}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_SharedHostBesideTheRepository_ComesBeforeFunc()
    {
        var shared = Directory.CreateDirectory(Path.Combine(_folder.FullName, "clone", "shared", "functions-host")).FullName;
        WriteScript(Path.Combine(shared, "run.sh"), "#!/bin/sh\n");

        var selection = FunctionsHostSelection.Find(Variables(("PATH", FakeFunc())), Repository);
        var command = selection.Command("/app", 7123, new Dictionary<string, string?>());

        Assert.Equal(new FunctionsHostSelection(FunctionsHostKind.Scripts, shared, "../shared/functions-host"), selection);
        Assert.Equal(Path.Combine(shared, "run.sh"), command.Program);
        Assert.Equal(["/app", "7123"], command.Arguments);
        Assert.Equal("127.0.0.1:7123", command.Environment["WEBSITE_HOSTNAME"]);
    }

    [Fact]
    public void Find_HostDirWithAHostBuild_ComesFirstAndRunsTheHostAsRunShDoes()
    {
        var shared = Directory.CreateDirectory(Path.Combine(_folder.FullName, "clone", "shared", "functions-host")).FullName;
        WriteScript(Path.Combine(shared, "run.sh"), "#!/bin/sh\n");
        var build = Directory.CreateDirectory(Path.Combine(_folder.FullName, "hostbuild")).FullName;
        Directory.CreateDirectory(Path.Combine(build, "host"));
        File.WriteAllText(Path.Combine(build, "host", "Microsoft.Azure.WebJobs.Script.WebHost.dll"), "");

        var selection = FunctionsHostSelection.Find(Variables(("FUNCTIONS_HOST_DIR", build), ("PATH", FakeFunc())), Repository);
        var command = selection.Command("/app", 7123, new Dictionary<string, string?> { ["CORS_ALLOWED_ORIGINS"] = "[\"http://127.0.0.1:3999\"]" });

        Assert.Equal(FunctionsHostKind.Build, selection.Kind);
        Assert.Contains("FUNCTIONS_HOST_DIR", selection.ToString(), StringComparison.Ordinal);
        Assert.Equal([Path.Combine(build, "host", "Microsoft.Azure.WebJobs.Script.WebHost.dll")], command.Arguments);
        Assert.Equal("/app", command.Environment["AzureWebJobsScriptRoot"]);
        Assert.Equal("http://127.0.0.1:7123", command.Environment["ASPNETCORE_URLS"]);
        Assert.Equal("127.0.0.1:7123", command.Environment["WEBSITE_HOSTNAME"]);
        Assert.Equal("1", command.Environment["FUNCTIONS_ENABLE_CORS_CONFIGURATION"]);
        Assert.Null(command.Environment["CONTAINER_NAME"]);
        Assert.Equal(Path.Combine(build, "host", "Microsoft.Azure.WebJobs.Script.WebHost.deps.json"), selection.HostDepsFile(null));
    }

    private string FakeFunc()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_folder.FullName, "bin")).FullName;
        WriteScript(Path.Combine(bin, "func"), "#!/bin/sh\n");
        return bin;
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;
}

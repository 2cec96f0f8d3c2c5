namespace Template.Tests.Support;

/// <summary>
/// The third-party Node.js tools in <c>tests/contract</c> (an OpenAPI validator and linter, a JSON Schema validator,
/// an OAuth client library), installed from its lock file with <c>npm ci</c> on first use when .ci/run has not.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    public static string Folder =>
        Path.GetDirectoryName(RepositoryFiles.FindAbove(Path.Combine("tests", "contract", "package.json")))!;

    /// <summary>Runs <c>node</c> with <paramref name="arguments"/> in <see cref="Folder"/>: exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var node = Executable("node");
        Prerequisites.SkipOrFailWhen(node is null, "node",
            "Node.js test skipped: node was not found (apt-get install nodejs npm; .ci/run installs it).");
        await EnsureInstalledAsync();
        return await RunProcessAsync(node!, arguments);
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "@redocly")))
            {
                return;
            }

            var npm = Executable("npm");
            Prerequisites.SkipOrFailWhen(npm is null, "npm",
                "Node.js test skipped: npm was not found (apt-get install npm).");
            var (exit, output) = await RunProcessAsync(npm!, ["ci", "--no-audit", "--no-fund"]);
            Prerequisites.SkipOrFailWhen(exit != 0, "npm ci", $"npm ci in {Folder} failed ({exit}):\n{output}");
        }
        finally
        {
            Install.Release();
        }
    }

    // Generous: the tools are quick, but the suite must pass on a machine whose cores are busy.
    private static Task<(int ExitCode, string Output)> RunProcessAsync(string file, IEnumerable<string> arguments) =>
        ToolProcess.RunAsync(file, arguments, TimeSpan.FromMinutes(5), Folder);

    private static string? Executable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

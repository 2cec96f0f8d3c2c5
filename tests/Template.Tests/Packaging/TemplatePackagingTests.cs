using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using Template.Tests.Support;

[assembly: TestCollectionOrderer("Template.Tests.Packaging.PackagingFirst", "Template.Tests")]

namespace Template.Tests.Packaging;

/// <summary>
/// Starts the packaging test first: its builds take minutes, and the rest of the suite runs beside them instead of
/// after them.
/// </summary>
public sealed class PackagingFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == TemplatePackagingTests.Name ? 0 : 1);
}

/// <summary>
/// Packs this repository as the dotnet new package, installs it into a private CLI home, generates a
/// service under a new name, adds a use case with the item, builds with warnings as errors and runs the
/// generated tests; runs the tests of the leanest options too (no sample, no authentication, Redis by default) and
/// builds the other combinations of --sample and --auth. This file is not part of the generated service.
/// </summary>
[Collection(Name)]
[CollectionDefinition(Name)]
[Slow(Suite.Packaging)]
public sealed class TemplatePackagingTests(ITestOutputHelper output) : IDisposable
{
    public const string Name = "packaging";
    private const string ServiceName = "Contoso.Billing";
    private const string LeanName = "Contoso.Lean";
    private readonly List<(string Step, TimeSpan Took)> steps = [];
    private readonly string work = Directory.CreateTempSubdirectory("slice-api-pack-").FullName;

    [Fact]
    public async Task The_packed_service_generates_builds_and_passes_its_tests_and_the_item_adds_a_working_slice()
    {
        var repository = FindRepositoryRoot();
        var packages = Path.Combine(work, "packages");
        var cliHome = Path.Combine(work, "home");
        var outputs = Path.Combine(work, "out");
        var service = Path.Combine(outputs, ServiceName);

        await RunAsync(Path.Combine(repository, "pack"), cliHome, "pack", "SliceApi.csproj", "-o", packages);
        var package = Assert.Single(Directory.GetFiles(packages, "SliceApi.*.nupkg"));
        Assert.EndsWith("SliceApi.0.2.0.nupkg", package, StringComparison.Ordinal);

        await RunAsync(work, cliHome, "new", "install", package);
        await RunAsync(outputs, cliHome, "new", "slice-api", "-n", ServiceName, "-o", service);

        Assert.True(File.Exists(Path.Combine(service, $"{ServiceName}.csproj")));
        Assert.True(File.Exists(Path.Combine(service, $"{ServiceName}.sln")));
        Assert.True(File.Exists(Path.Combine(service, "tests", $"{ServiceName}.Tests", $"{ServiceName}.Tests.csproj")));
        Assert.True(File.Exists(Path.Combine(service, ".ci", "run")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(service, ".ci", "run")).HasFlag(UnixFileMode.UserExecute), ".ci/run is not executable");
        }

        Assert.False(File.Exists(Path.Combine(service, "CHANGELOG.md")));
        Assert.False(Directory.Exists(Path.Combine(service, ".template.config")));
        Assert.False(Directory.Exists(Path.Combine(service, "tests", $"{ServiceName}.Tests", "Packaging")));
        var leftovers = Directory.EnumerateFiles(service, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("Template", StringComparison.Ordinal) || Path.GetFileName(f).Contains("Template", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(service, f))
            .ToList();
        Assert.True(leftovers.Count == 0, "Files still naming the source project: " + string.Join(", ", leftovers));
        // The name replaces "template" in lower case too (the Redis key prefixes): prose must not say "the template".
        var lowerName = new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(ServiceName.ToLowerInvariant()) + "(?!:)");
        var prose = Directory.EnumerateFiles(service, "*.md", SearchOption.AllDirectories)
            .Where(f => lowerName.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(service, f))
            .ToList();
        Assert.True(prose.Count == 0, "Prose where \"template\" became the service's name: " + string.Join(", ", prose));
        Assert.Contains($"namespace {ServiceName}.Features.Orders.PlaceOrder;", await File.ReadAllTextAsync(Path.Combine(service, "src", "Features", "Orders", "PlaceOrder", "PlaceOrder.cs")), StringComparison.Ordinal);
        var settings = await File.ReadAllTextAsync(Path.Combine(service, "appsettings.json"));
        Assert.Contains("\"Redis\": \"\"", settings, StringComparison.Ordinal);
        Assert.Contains("\"Orders\": {", settings, StringComparison.Ordinal);
        AssertNoTemplateConditions(service);

        // The test step below builds the service with the added use case, with warnings as errors.
        await RunAsync(service, cliHome, "new", "slice", "-n", "ShipOrder", "--area", "Orders");
        var slice = Path.Combine(service, "src", "Features", "Orders", "ShipOrder", "ShipOrder.cs");
        var sliceTest = Path.Combine(service, "tests", $"{ServiceName}.Tests", "Features", "Orders", "ShipOrderTests.cs");
        Assert.True(File.Exists(slice));
        Assert.True(File.Exists(sliceTest));
        var sliceCode = await File.ReadAllTextAsync(slice);
        Assert.Contains($"namespace {ServiceName}.Features.Orders.ShipOrder;", sliceCode, StringComparison.Ordinal);
        Assert.Contains("\"/api/orders/ship-order\"", sliceCode, StringComparison.Ordinal);
        Assert.Contains("app.MapPost(", sliceCode, StringComparison.Ordinal);
        await RunAsync(service, cliHome, "new", "slice", "-n", "FindShipments", "--area", "Orders", "--kind", "query");
        var query = await File.ReadAllTextAsync(Path.Combine(service, "src", "Features", "Orders", "FindShipments", "FindShipments.cs"));
        Assert.Contains("\"/api/orders/find-shipments\"", query, StringComparison.Ordinal);
        Assert.Contains("app.MapGet(", query, StringComparison.Ordinal);
        Assert.Contains("IQuery<FindShipmentsResponse>", query, StringComparison.Ordinal);

        var test = await RunAsync(service, cliHome, "test", $"{ServiceName}.sln", "-warnaserror");
        Assert.Contains("Failed:     0", test, StringComparison.Ordinal);
        Assert.Contains("ShipOrder", await File.ReadAllTextAsync(sliceTest), StringComparison.Ordinal);

        // The leanest service: no sample, no authentication of its own (a gateway names the caller), Redis named in
        // its settings. Its own suite still runs in memory.
        var lean = Path.Combine(outputs, LeanName);
        await RunAsync(outputs, cliHome, "new", "slice-api", "-n", LeanName, "-o", lean, "--sample", "false", "--auth", "none", "--redis", "true");
        Assert.False(Directory.Exists(Path.Combine(lean, "src", "Features", "Orders")));
        Assert.False(Directory.Exists(Path.Combine(lean, "tests", $"{LeanName}.Tests", "Features", "Orders")));
        var security = Path.Combine(lean, "src", "Infrastructure", "Security");
        Assert.False(Directory.Exists(Path.Combine(security, "AuthorizationServer")));
        Assert.False(File.Exists(Path.Combine(security, "BearerTokens.cs")));
        Assert.False(File.Exists(Path.Combine(security, "BrowserSession.cs")));
        Assert.True(File.Exists(Path.Combine(security, "GatewayIdentity.cs")));
        var leanProject = await File.ReadAllTextAsync(Path.Combine(lean, $"{LeanName}.csproj"));
        Assert.DoesNotContain("OpenIddict", leanProject, StringComparison.Ordinal);
        Assert.DoesNotContain("Authentication.JwtBearer", leanProject, StringComparison.Ordinal);
        Assert.DoesNotContain("Authentication.OpenIdConnect", leanProject, StringComparison.Ordinal);
        var leanSettings = await File.ReadAllTextAsync(Path.Combine(lean, "appsettings.json"));
        Assert.Contains("\"Redis\": \"localhost:6379\"", leanSettings, StringComparison.Ordinal);
        Assert.Contains("\"TrustedGateways\": []", leanSettings, StringComparison.Ordinal);
        Assert.DoesNotContain("Orders", leanSettings, StringComparison.Ordinal);
        Assert.DoesNotContain("AuthorizationServer", leanSettings, StringComparison.Ordinal);
        Assert.DoesNotContain("BrowserSession", leanSettings, StringComparison.Ordinal);
        Assert.Contains("this service authenticates nobody", await File.ReadAllTextAsync(Path.Combine(lean, "README.md")), StringComparison.Ordinal);
        AssertNoTemplateConditions(lean);
        var withoutSample = await RunAsync(lean, cliHome, "test", $"{LeanName}.sln", "-warnaserror");
        Assert.Contains("Failed:     0", withoutSample, StringComparison.Ordinal);

        // The other combinations of --sample and --auth build with warnings as errors; the external mode, which the
        // repository does not build, runs its whole suite.
        foreach (var (name, sample, auth, runTests) in new[]
        {
            ("Contoso.Plain", "false", "embedded", false),
            ("Contoso.Outside", "true", "external", true),
            ("Contoso.OutsideLean", "false", "external", false),
            ("Contoso.Gateway", "true", "none", false),
        })
        {
            var other = Path.Combine(outputs, name);
            await RunAsync(outputs, cliHome, "new", "slice-api", "-n", name, "-o", other, "--sample", sample, "--auth", auth);
            AssertNoTemplateConditions(other);
            AssertOneAuthenticationMode(other, auth);
            var output = await RunAsync(other, cliHome, runTests ? "test" : "build", $"{name}.sln", "-warnaserror");
            Assert.True(!runTests || output.Contains("Failed:     0", StringComparison.Ordinal), output);
        }

        AssertOneAuthenticationMode(service, "embedded");
        AssertOneAuthenticationMode(lean, "none");
    }

    /// <summary>The service has the chosen mode's file and no other, and no trace of the repository's build of one.</summary>
    private static void AssertOneAuthenticationMode(string service, string auth)
    {
        var modes = Directory.GetFiles(Path.Combine(service, "src", "Infrastructure", "Security"), "AuthenticationMode.*.cs")
            .Select(Path.GetFileName);
        var expected = auth switch { "embedded" => "Embedded", "external" => "External", _ => "Gateway" };
        Assert.Equal([$"AuthenticationMode.{expected}.cs"], modes);
        var projects = Directory.EnumerateFiles(service, "*.csproj", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("AuthenticationMode.", StringComparison.Ordinal)
                || File.ReadAllText(f).Contains("BearerTokenTests", StringComparison.Ordinal));
        Assert.Empty(projects);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the folder is in the temp directory anyway.
        }
    }

    /// <summary>No template condition is left, and none left two blank lines where it removed a block.</summary>
    private static void AssertNoTemplateConditions(string service)
    {
        var files = Directory.EnumerateFiles(service, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".cs" or ".md" or ".json" or ".csproj" && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var texts = files.ToDictionary(f => Path.GetRelativePath(service, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"));
        var left = texts
            .Where(t => t.Value.Contains("#if (", StringComparison.Ordinal) || t.Value.Contains("#endif", StringComparison.Ordinal))
            .Select(t => t.Key)
            .ToList();
        Assert.True(left.Count == 0, $"Template conditions left in {Path.GetFileName(service)}: " + string.Join(", ", left));
        var doubleBlank = texts
            .Where(t => t.Value.Contains("\n\n\n", StringComparison.Ordinal))
            .Select(t => t.Key)
            .ToList();
        Assert.True(doubleBlank.Count == 0, $"Two blank lines in a row in {Path.GetFileName(service)}: " + string.Join(", ", doubleBlank));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, ".template.config", "template.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with .template.config/template.json) was not found above " + AppContext.BaseDirectory);
    }

    private async Task<string> RunAsync(string directory, string cliHome, params string[] arguments)
    {
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The outer test run sets MSBuild and test-host variables that would steer the inner builds.
        foreach (var variable in start.Environment.Keys.Where(IsInheritedBuildVariable).ToList())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_HOME"] = cliHome;
        start.Environment["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        // No time limit: a slow machine makes a step slow, not wrong. A step fails on its exit code, and the
        // durations of the steps so far are reported with it.
        var step = $"dotnet {string.Join(' ', arguments)}";
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var reads = new[] { Pump(process.StandardOutput, log), Pump(process.StandardError, log) };
        await process.WaitForExitAsync();
        await Task.WhenAll(reads);
        var took = Stopwatch.GetElapsedTime(started);
        steps.Add((step, took));
        output.WriteLine($"$ {step}  (exit {process.ExitCode}, {took.TotalSeconds:F1} s)");
        Assert.True(process.ExitCode == 0, $"{step} exited with {process.ExitCode}:\n{log}\nSteps:\n{StepDurations()}");
        return log.ToString();
    }

    private string StepDurations() =>
        string.Join('\n', steps.Select(s => $"{s.Took.TotalSeconds,7:F1} s  {s.Step}"));

    private static bool IsInheritedBuildVariable(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("COVERLET", StringComparison.OrdinalIgnoreCase)
        || name is "DOTNET_HOST_PATH" or "MSBUILD_EXE_PATH" or "MSBuildLoadMicrosoftTargetsReadOnly";

    private static async Task Pump(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}

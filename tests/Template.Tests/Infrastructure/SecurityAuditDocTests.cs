using System.Text.RegularExpressions;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The audit in docs/security.md names the tests that prove each control; every one it names must exist.</summary>
public sealed partial class SecurityAuditDocTests
{
    [Fact]
    public void Every_test_the_security_audit_names_exists()
    {
        var audit = File.ReadAllText(RepositoryFiles.FindAbove(Path.Combine("docs", "security.md")));
        // Read from the test sources rather than the build: the repository builds one authentication mode, and the
        // other modes' tests (BearerTokenTests, GatewayIdentityTests) are in its sources, not in its build.
        var folder = Path.GetDirectoryName(RepositoryFiles.FindAbove(Path.Combine("tests", "Template.Tests", "Template.Tests.csproj")))!;
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                // This file names the classes it looks for.
                && Path.GetFileName(f) != $"{nameof(SecurityAuditDocTests)}.cs")
            .Select(File.ReadAllText)
            .ToList();
        // A service created without the sample area, or with another authentication mode, lacks some of the test
        // classes the audit's rows name; only the sources of the repository, which has them all, are held to it.
        var complete = sources.Exists(s => s.Contains("class GatewayIdentityTests", StringComparison.Ordinal))
            && sources.Exists(s => s.Contains("class BearerTokenTests", StringComparison.Ordinal))
            && sources.Exists(s => s.Contains("class AuthorizationServerTests", StringComparison.Ordinal))
            && sources.Exists(s => s.Contains("namespace Template.Tests.Features.Orders;", StringComparison.Ordinal));

        var references = TestReference().Matches(audit).Select(m => (Class: m.Groups[1].Value, Method: m.Groups[2].Value)).Distinct().ToList();
        Assert.True(references.Count > 40, $"Only {references.Count} test references were found in the audit.");
        var missing = references.Where(r =>
        {
            var declaring = sources.Where(s => Regex.IsMatch(s, $@"\bclass {r.Class}\b")).ToList();
            return complete
                && (declaring.Count == 0
                    || (r.Method != "*" && !declaring.Exists(s => Regex.IsMatch(s, $@"\b{r.Method}\("))));
        }).Select(r => $"{r.Class}.{r.Method}").ToList();
        Assert.Empty(missing);
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z]+Tests)\.([A-Za-z_0-9]+|\*)`")]
    private static partial Regex TestReference();
}

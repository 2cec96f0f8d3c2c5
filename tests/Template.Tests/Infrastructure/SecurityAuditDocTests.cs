using System.Reflection;
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
        var tests = typeof(SecurityAuditDocTests).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Tests", StringComparison.Ordinal))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        // A service generated without the sample area, or without the embedded authorization server, lacks their
        // test classes and methods; the audit's rows still name them, so only the complete suite is held to it.
        var complete = tests.Values.Any(t => t.Namespace?.EndsWith(".Features.Orders", StringComparison.Ordinal) == true)
            && tests.ContainsKey("AuthorizationServerTests");

        var references = TestReference().Matches(audit).Select(m => (Class: m.Groups[1].Value, Method: m.Groups[2].Value)).Distinct().ToList();
        Assert.True(references.Count > 40, $"Only {references.Count} test references were found in the audit.");
        var missing = references.Where(r =>
        {
            if (!tests.TryGetValue(r.Class, out var type))
            {
                return complete;
            }

            return complete && r.Method != "*" && type.GetMethod(r.Method, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static) is null;
        }).Select(r => $"{r.Class}.{r.Method}").ToList();
        Assert.Empty(missing);
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z]+Tests)\.([A-Za-z_0-9]+|\*)`")]
    private static partial Regex TestReference();
}

using System.Xml.Linq;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The build refuses vulnerable packages: NuGet audit is on for every package, and its warnings are errors.</summary>
public sealed class BuildSettingsTests
{
    [Fact]
    public void NuGet_audit_covers_transitive_packages_of_any_severity_and_fails_the_build()
    {
        var props = RepositoryFiles.FindAbove("Directory.Build.props");
        var properties = XDocument.Load(props).Descendants("PropertyGroup").Elements()
            .GroupBy(e => e.Name.LocalName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value.Trim(), StringComparer.Ordinal);

        Assert.Equal("true", properties["NuGetAudit"]);
        Assert.Equal("all", properties["NuGetAuditMode"]);
        Assert.Equal("low", properties["NuGetAuditLevel"]);
        Assert.Equal("true", properties["TreatWarningsAsErrors"]);
        // NU1901-NU1904 report vulnerable packages; none may be silenced or demoted.
        foreach (var exempted in new[] { "NoWarn", "WarningsNotAsErrors" }.Select(k => properties.GetValueOrDefault(k, "")))
        {
            Assert.DoesNotContain("NU190", exempted, StringComparison.Ordinal);
        }
    }
}

using System.Text.RegularExpressions;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The service's code keeps to the line width <c>.editorconfig</c> sets; no analyzer checks it.</summary>
public sealed partial class SourceStyleTests
{
    [Fact]
    public void Service_code_lines_stay_within_the_editorconfig_width()
    {
        var editorConfig = RepositoryFiles.FindAbove(".editorconfig");
        var root = Path.GetDirectoryName(editorConfig)!;
        var width = MaxLineLength().Match(File.ReadAllText(editorConfig));
        Assert.True(width.Success, ".editorconfig sets no max_line_length for C# files.");
        var limit = int.Parse(width.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(120, limit);

        // Migrations are written by dotnet ef and never edited by hand.
        var migrations = Path.DirectorySeparatorChar + "Migrations" + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains(migrations, StringComparison.Ordinal))
            .Append(Path.Combine(root, "Program.cs"));
        var tooLong = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(l => l.line.Length > limit)
            .Select(l => $"{Path.GetRelativePath(root, l.file)}:{l.number} ({l.line.Length})")
            .ToList();
        Assert.True(tooLong.Count == 0, $"Lines over {limit} characters:\n" + string.Join("\n", tooLong));
    }

    [GeneratedRegex(@"^\[\*\.cs\][^\[]*?^max_line_length\s*=\s*(\d+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MaxLineLength();
}

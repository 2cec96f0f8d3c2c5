using System.Text.RegularExpressions;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The C# samples in the README and in docs/ are taken from the code, so they cannot drift from it: without the
/// comments written for the reader, a sample's lines appear in the same order in one source file (a line of
/// <c>...</c> marks lines left out). A sample whose first line is a path comment
/// (<c>// src/Features/Orders/OrderPolicy.cs</c>) is checked against that file.
/// </summary>
public sealed partial class DocSamplesTests
{
    [Fact]
    public void Every_csharp_sample_in_the_docs_is_taken_from_the_code()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(RepositoryFiles.FindAbove(Path.Combine("docs", "security.md"))))!;
        var sources = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => Lines(File.ReadAllText(f)), StringComparer.Ordinal);
        var documents = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var samples = documents.SelectMany(d => Sample().Matches(File.ReadAllText(d)).Select(m => (Document: Path.GetFileName(d), Code: m.Groups[1].Value))).ToList();
        Assert.True(samples.Count >= 10, $"Only {samples.Count} C# samples were found in the docs.");

        var drifted = new List<string>();
        foreach (var (document, code) in samples)
        {
            var named = PathComment().Match(code);
            var lines = Lines(code);
            if (named.Success)
            {
                var path = named.Groups[1].Value;
                // A service generated without the sample area keeps the docs that describe it.
                if (!sources.TryGetValue(path, out var file) && path.StartsWith("src/Features/Orders/", StringComparison.Ordinal) && !Directory.Exists(Path.Combine(root, "src", "Features", "Orders")))
                {
                    continue;
                }

                if (file is null || !InOrder(lines, file))
                {
                    drifted.Add($"{document}: the sample from {path} starting '{lines.FirstOrDefault()}'");
                }
            }
            else if (!sources.Values.Any(file => InOrder(lines, file)))
            {
                drifted.Add($"{document}: the sample starting '{lines.FirstOrDefault()}'");
            }
        }

        Assert.True(drifted.Count == 0, "Samples not found in the code:\n" + string.Join("\n", drifted));
    }

    /// <summary>Whether every line of <paramref name="sample"/> appears in <paramref name="file"/>, in the same order.</summary>
    private static bool InOrder(List<string> sample, List<string> file)
    {
        var at = 0;
        foreach (var line in sample)
        {
            while (at < file.Count && file[at] != line)
            {
                at++;
            }

            if (at == file.Count)
            {
                return false;
            }

            at++;
        }

        return true;
    }

    /// <summary>Code lines without comments, indentation or repeated spaces; blank lines and "..." (lines left out) dropped.</summary>
    private static List<string> Lines(string code) => [.. code.Split('\n')
        .Select(line => Spaces().Replace(WithoutComment(line), " ").Trim())
        .Where(line => line.Length > 0 && line != "...")];

    // A comment starts at "//" outside a string literal.
    private static string WithoutComment(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex(@"```(?:csharp|cs|c#)\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"^\s*//\s*((?:src|tests)/[^\s:]+\.cs)\b", RegexOptions.Multiline)]
    private static partial Regex PathComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

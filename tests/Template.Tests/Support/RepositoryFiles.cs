namespace Template.Tests.Support;

/// <summary>Files of the service's source tree, found from the test's output folder upwards.</summary>
public static class RepositoryFiles
{
    /// <summary>The nearest <paramref name="relative"/> path above the test's output folder.</summary>
    public static string FindAbove(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}.");
    }
}

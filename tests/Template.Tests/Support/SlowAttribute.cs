using Xunit.Abstractions;
using Xunit.Sdk;

namespace Template.Tests.Support;

/// <summary>
/// Puts a test class or method in a slow suite: it carries the traits <c>Category=Slow</c> and
/// <c>Category=</c><i>suite</i>, so <c>dotnet test --filter "Category!=Slow"</c> is the inner loop and
/// <c>--filter "Category=Redis"</c> runs one suite.
/// </summary>
[TraitDiscoverer("Template.Tests.Support.SlowTraitDiscoverer", "Template.Tests")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class SlowAttribute(string suite) : Attribute, ITraitAttribute
{
    public string Suite { get; } = suite;
}

/// <summary>The slow suites, each named for what makes it slow.</summary>
public static class Suite
{
    /// <summary>Talks to a redis-server process the test run starts.</summary>
    public const string Redis = "Redis";

    /// <summary>Drives Chromium.</summary>
    public const string Browser = "Browser";

    /// <summary>Starts the built service as a process of its own.</summary>
    public const string Process = "Process";

    /// <summary>Runs third-party Node.js tools (tests/contract): OpenAPI validator and linter, an OAuth client.</summary>
    public const string Node = "Node";

    /// <summary>Packs the SliceApi package, creates services from it, builds and tests them (its source repository only).</summary>
    public const string Packaging = "Packaging";
}

public sealed class SlowTraitDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        yield return new("Category", "Slow");
        yield return new("Category", (string)traitAttribute.GetConstructorArguments().Single());
    }
}

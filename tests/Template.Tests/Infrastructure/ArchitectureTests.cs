using System.Reflection;
using NetArchTest.Rules;

namespace Template.Tests.Infrastructure;

/// <summary>Keeps the vertical slices vertical.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Service = typeof(Program).Assembly;
    private static readonly string Root = typeof(Program).Assembly.GetName().Name!;
    private static readonly string FeaturesNamespace = Root + ".Features";
    private static readonly string InfrastructureNamespace = Root + ".Infrastructure";

    /// <summary>Use-case namespaces: <c>Features.&lt;Area&gt;.&lt;UseCase&gt;</c>.</summary>
    public static TheoryData<string> Slices()
    {
        var data = new TheoryData<string>();
        foreach (var slice in SliceNamespaces())
        {
            data.Add(slice);
        }

        if (data.Count == 0)
        {
            data.Add(string.Empty);
        }

        return data;
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_features()
    {
        var result = Types.InAssembly(Service)
            .That().ResideInNamespace(InfrastructureNamespace)
            .ShouldNot().HaveDependencyOn(FeaturesNamespace)
            .GetResult();
        Assert.True(result.IsSuccessful, Describe(result));
    }

    /// <summary>
    /// Each Infrastructure folder is one concern, and concerns depend on each other one way only: no folder reaches,
    /// through others, back to itself.
    /// </summary>
    [Fact]
    public void Infrastructure_folders_have_no_dependency_cycle()
    {
        var folders = Service.GetTypes()
            .Select(t => t.Namespace)
            .Where(n => n?.StartsWith(InfrastructureNamespace + ".", StringComparison.Ordinal) == true)
            .Select(n => n![(InfrastructureNamespace.Length + 1)..].Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var uses = folders.ToDictionary(
            folder => folder,
            folder => folders.Where(other => other != folder && !Types.InAssembly(Service)
                .That().ResideInNamespace($"{InfrastructureNamespace}.{folder}")
                .ShouldNot().HaveDependencyOn($"{InfrastructureNamespace}.{other}")
                .GetResult().IsSuccessful).ToList(),
            StringComparer.Ordinal);

        // Depth-first: a folder met again while it is still being walked closes a cycle.
        var cycles = new List<string>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal);
        void Walk(string folder, List<string> path)
        {
            state[folder] = true;
            path.Add(folder);
            foreach (var used in uses[folder])
            {
                if (state.TryGetValue(used, out var walking) && walking)
                {
                    cycles.Add(string.Join(" -> ", path.SkipWhile(f => f != used).Append(used)));
                }
                else if (!state.ContainsKey(used))
                {
                    Walk(used, path);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[folder] = false;
        }

        foreach (var folder in folders.Where(f => !state.ContainsKey(f)))
        {
            Walk(folder, []);
        }

        Assert.True(folders.Count > 5, string.Join(", ", folders));
        Assert.Empty(cycles);
    }

    [Theory]
    [MemberData(nameof(Slices))]
    public void A_slice_does_not_depend_on_another_slice(string slice)
    {
        if (slice.Length == 0)
        {
            return; // no slices in this service yet
        }

        var others = SliceNamespaces().Where(s => s != slice).ToArray();
        var result = Types.InAssembly(Service)
            .That().ResideInNamespace(slice)
            .ShouldNot().HaveDependencyOnAny(others)
            .GetResult();
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void Every_request_type_says_who_may_send_it()
    {
        // [Authorize] (with or without a policy) or [AllowAnonymous]: a new slice cannot be public by accident.
        var undecided = Service.GetTypes()
            .Where(t => !t.IsAbstract && typeof(Mediator.IMessage).IsAssignableFrom(t))
            .Where(t => !t.GetCustomAttributes<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>(inherit: true).Any()
                && t.GetCustomAttribute<Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute>(inherit: true) is null)
            .Select(t => t.FullName)
            .ToList();
        Assert.True(undecided.Count == 0, "Request types without [Authorize] or [AllowAnonymous]: " + string.Join(", ", undecided));
    }

    [Fact]
    public void Handlers_validators_and_endpoints_are_sealed()
    {
        var result = Types.InAssembly(Service)
            .That().ResideInNamespace(FeaturesNamespace)
            .And().AreClasses()
            .And().AreNotAbstract()
            .And().AreNotNested()
            .And().DoNotHaveNameMatching("^<")
            .Should().BeSealed()
            .GetResult();
        Assert.True(result.IsSuccessful, Describe(result));
    }

    private static IReadOnlyList<string> SliceNamespaces() =>
        [.. Service.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith(FeaturesNamespace + ".", StringComparison.Ordinal) && n.Split('.').Length == FeaturesNamespace.Split('.').Length + 2)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static string Describe(TestResult result) =>
        result.IsSuccessful ? string.Empty : "Offending types: " + string.Join(", ", result.FailingTypeNames ?? []);
}

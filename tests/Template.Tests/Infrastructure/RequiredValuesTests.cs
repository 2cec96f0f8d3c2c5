using Template.Infrastructure.Validation;

namespace Template.Tests.Infrastructure;

/// <summary>Nulls a request's declaration forbids, found at any depth before validators and handlers see them.</summary>
public sealed class RequiredValuesTests
{
    [Fact]
    public void A_type_of_strings_and_values_only_has_nothing_to_check() =>
        Assert.Null(RequiredValues.For(typeof(Flat)));

    [Fact]
    public void Each_forbidden_null_is_reported_at_its_json_path_and_the_allowed_ones_are_not()
    {
        var tree = new Tree(
            new Branch(null!, null, [new Leaf("a"), null!], [null], ["x", null!], null),
            [new Branch(new Leaf("b"), null, null!, [], [], ["t"])]);

        var failure = Assert.Throws<RequestValidationException>(() => RequiredValues.For(typeof(Tree))!.ThrowIfAny(tree));

        Assert.Equal(["branch.leaf", "branch.leaves[1]", "branch.names[1]", "branches[0].leaves"], failure.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(failure.Codes.Values, codes => Assert.Equal(["not_null"], codes));
        Assert.Equal("'leaves[1]' must not be empty.", failure.Errors["branch.leaves[1]"][0]);
    }

    [Fact]
    public void A_request_without_forbidden_nulls_passes()
    {
        var tree = new Tree(new Branch(new Leaf("a"), null, [new Leaf("b")], [null], [], null), []);
        RequiredValues.For(typeof(Tree))!.ThrowIfAny(tree);
    }

    private sealed record Flat(string Name, int Count, string? Note, DateTimeOffset At);

    private sealed record Leaf(string Name);

    private sealed record Branch(Leaf Leaf, Leaf? Optional, IReadOnlyList<Leaf> Leaves, IReadOnlyList<Leaf?> MaybeLeaves, List<string> Names, string[]? Tags);

    private sealed record Tree(Branch Branch, IReadOnlyList<Branch> Branches);
}

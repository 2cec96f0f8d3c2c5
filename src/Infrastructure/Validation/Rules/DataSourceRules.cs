using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>
/// Async rules against a data source, Laravel's <c>exists</c> and <c>unique</c>. The check is a delegate the
/// validator takes from a service it receives by injection, so the rule works with any store.
/// </summary>
public static class DataSourceRules
{
    /// <summary>The value is known to <paramref name="exists"/> (e.g. the SKU is in the catalog).</summary>
    public static IRuleBuilderOptions<T, TProperty> Exists<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, Func<TProperty, CancellationToken, ValueTask<bool>> exists) =>
        rule.SetAsyncValidator(new DataSourceRule<T, TProperty>("exists", exists));

    /// <summary>The value is not yet taken according to <paramref name="isTaken"/> (e.g. a user name).</summary>
    public static IRuleBuilderOptions<T, TProperty> Unique<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, Func<TProperty, CancellationToken, ValueTask<bool>> isTaken) =>
        rule.SetAsyncValidator(new DataSourceRule<T, TProperty>(
            "unique", async (value, token) => !await isTaken(value, token)));
}

public sealed class DataSourceRule<T, TProperty>(string code, Func<TProperty, CancellationToken, ValueTask<bool>> check)
    : LocalizedAsyncRule<T, TProperty>
{
    public override string Name { get; } = code;

    public override async Task<bool> IsValidAsync(
        ValidationContext<T> context, TProperty value, CancellationToken cancellation) =>
        value is null || (value is string text && text.Length == 0) || await check(value, cancellation);

}

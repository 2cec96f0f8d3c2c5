using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>Rules on choices, numbers, dates and collections.</summary>
public static class ValueRules
{
    /// <summary>One of <paramref name="values"/>; ordinal, or ignoring case when <paramref
    /// name="ignoreCase"/>.</summary>
    public static IRuleBuilderOptions<T, string?> In<T>(
        this IRuleBuilder<T, string?> rule, IEnumerable<string> values, bool ignoreCase = false)
    {
        var set = new HashSet<string>(values, ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return rule.SetValidator(new StringRule<T>(
            "in", set.Contains, new Dictionary<string, object> { ["Values"] = string.Join(", ", set) }));
    }

    /// <summary>None of <paramref name="values"/>; ordinal, or ignoring case when <paramref
    /// name="ignoreCase"/>.</summary>
    public static IRuleBuilderOptions<T, string?> NotIn<T>(
        this IRuleBuilder<T, string?> rule, IEnumerable<string> values, bool ignoreCase = false)
    {
        var set = new HashSet<string>(values, ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return rule.SetValidator(new StringRule<T>(
            "not_in", v => !set.Contains(v), new Dictionary<string, object> { ["Values"] = string.Join(", ", set) }));
    }

    /// <summary>At most <paramref name="places"/> digits after the decimal point (<c>12.50</c> has two).</summary>
    public static IRuleBuilderOptions<T, decimal?> DecimalPlaces<T>(this IRuleBuilder<T, decimal?> rule, int places) =>
        rule.SetValidator(new DecimalRule<T>(
            "decimal_places", v => decimal.Round(v, places) == v, new() { ["Places"] = places }));

    /// <summary>At most <paramref name="places"/> digits after the decimal point.</summary>
    public static IRuleBuilderOptions<T, decimal> DecimalPlaces<T>(this IRuleBuilder<T, decimal> rule, int places) =>
        rule.SetValidator(new DecimalRule<T>(
            "decimal_places", v => decimal.Round(v, places) == v, new() { ["Places"] = places }).ForValue());

    /// <summary>A whole multiple of <paramref name="step"/> (<c>0.25</c> steps, packs of 6).</summary>
    public static IRuleBuilderOptions<T, decimal> MultipleOf<T>(this IRuleBuilder<T, decimal> rule, decimal step) =>
        rule.SetValidator(
            new DecimalRule<T>("multiple_of", v => step != 0 && v % step == 0, new() { ["Step"] = step }).ForValue());

    /// <summary>A whole multiple of <paramref name="step"/>.</summary>
    public static IRuleBuilderOptions<T, int> MultipleOf<T>(this IRuleBuilder<T, int> rule, int step) =>
        rule.SetValidator(
            new DecimalRule<T>("multiple_of", v => step != 0 && v % step == 0, new() { ["Step"] = step }).ForInt());

    /// <summary>Before now + <paramref name="offset"/>, now taken from <paramref name="clock"/>.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> Before<T>(
        this IRuleBuilder<T, DateTimeOffset?> rule, TimeProvider clock, TimeSpan offset = default) =>
        rule.SetValidator(new MomentRule<T>("before", clock, offset, (v, limit) => v < limit));

    /// <summary>At or before now + <paramref name="offset"/>.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> BeforeOrEqual<T>(
        this IRuleBuilder<T, DateTimeOffset?> rule, TimeProvider clock, TimeSpan offset = default) =>
        rule.SetValidator(new MomentRule<T>("before_or_equal", clock, offset, (v, limit) => v <= limit));

    /// <summary>After now + <paramref name="offset"/>.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> After<T>(
        this IRuleBuilder<T, DateTimeOffset?> rule, TimeProvider clock, TimeSpan offset = default) =>
        rule.SetValidator(new MomentRule<T>("after", clock, offset, (v, limit) => v > limit));

    /// <summary>At or after now + <paramref name="offset"/>.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> AfterOrEqual<T>(
        this IRuleBuilder<T, DateTimeOffset?> rule, TimeProvider clock, TimeSpan offset = default) =>
        rule.SetValidator(new MomentRule<T>("after_or_equal", clock, offset, (v, limit) => v >= limit));

    /// <summary>An IANA time zone id known to this machine (<c>Europe/Berlin</c>; Windows ids such as <c>W. Europe
    /// Standard Time</c> are refused).</summary>
    public static IRuleBuilderOptions<T, string?> Timezone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("timezone", v => TimeZoneInfo.TryFindSystemTimeZoneById(v, out var zone)
            && zone.HasIanaId && string.Equals(zone.Id, v, StringComparison.Ordinal)));

    /// <summary>No two items equal (by <paramref name="key"/> when given, e.g. the line's SKU).</summary>
    public static IRuleBuilderOptions<T, IEnumerable<TItem>?> Distinct<T, TItem, TKey>(
        this IRuleBuilder<T, IEnumerable<TItem>?> rule, Func<TItem, TKey> key) =>
        rule.SetValidator(new DistinctRule<T, TItem, TKey>(key));

    /// <summary>At most <paramref name="max"/> items (JSON Schema <c>maxItems</c> in the OpenAPI document).</summary>
    public static IRuleBuilderOptions<T, IEnumerable<TItem>?> MaxItems<T, TItem>(
        this IRuleBuilder<T, IEnumerable<TItem>?> rule, int max) =>
        rule.SetValidator(new MaxItemsRule<T, TItem>(max));

    /// <summary>No two items equal.</summary>
    public static IRuleBuilderOptions<T, IEnumerable<TItem>?> Distinct<T, TItem>(
        this IRuleBuilder<T, IEnumerable<TItem>?> rule) =>
        rule.SetValidator(new DistinctRule<T, TItem, TItem>(item => item));

    /// <summary>Yes-like consent: <c>true</c>, or the strings yes, on, 1, true (case-insensitive). A required-kind
    /// rule: null fails.</summary>
    public static IRuleBuilderOptions<T, bool?> Accepted<T>(this IRuleBuilder<T, bool?> rule) =>
        rule.SetValidator(new AcceptedRule<T, bool?>(v => v == true));

    /// <summary>Yes-like consent given as a string.</summary>
    public static IRuleBuilderOptions<T, string?> Accepted<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new AcceptedRule<T, string?>(v => v is not null && AcceptedWords.Contains(v.Trim())));

    private static readonly HashSet<string> AcceptedWords =
        new(["yes", "on", "1", "true"], StringComparer.OrdinalIgnoreCase);
}

/// <summary>A numeric rule, written once for decimals and used for nullable and non-nullable values.</summary>
public sealed class DecimalRule<T>(string code, Func<decimal, bool> isValid, Dictionary<string, object> arguments)
    : ServiceRule<T, decimal?>
{
    public override string Name { get; } = code;

    protected override bool Check(FluentValidation.ValidationContext<T> context, decimal? value)
    {
        foreach (var (key, argument) in arguments)
        {
            context.MessageFormatter.AppendArgument(key, argument);
        }

        return isValid(value!.Value);
    }

    internal NonNullable<decimal> ForValue() => new(this, v => v);

    internal NonNullable<int> ForInt() => new(this, v => v);

    /// <summary>The same rule on a non-nullable property.</summary>
    internal sealed class NonNullable<TValue>(DecimalRule<T> inner, Func<TValue, decimal> convert)
        : LocalizedRule<T, TValue>
    {
        public override string Name => inner.Name;

        public override bool IsValid(FluentValidation.ValidationContext<T> context, TValue value) =>
            inner.IsValid(context, convert(value));

        }
}

public sealed class MomentRule<T>(
    string code, TimeProvider clock, TimeSpan offset, Func<DateTimeOffset, DateTimeOffset, bool> compare)
    : ServiceRule<T, DateTimeOffset?>
{
    public override string Name { get; } = code;

    protected override bool Check(FluentValidation.ValidationContext<T> context, DateTimeOffset? value)
    {
        var limit = clock.GetUtcNow() + offset;
        context.MessageFormatter.AppendArgument(
            "Date", limit.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        return compare(value!.Value, limit);
    }
}

public sealed class DistinctRule<T, TItem, TKey>(Func<TItem, TKey> key) : ServiceRule<T, IEnumerable<TItem>?>
{
    public override string Name => "distinct";

    protected override bool Check(FluentValidation.ValidationContext<T> context, IEnumerable<TItem>? value)
    {
        var seen = new HashSet<TKey>();
        return value!.Where(item => item is not null).All(item => seen.Add(key(item)));
    }
}

/// <summary>A rule that caps how many items a collection holds (JSON Schema <c>maxItems</c>).</summary>
public interface IItemLimit
{
    int Max { get; }
}

public sealed class MaxItemsRule<T, TItem>(int max) : ServiceRule<T, IEnumerable<TItem>?>, IItemLimit
{
    public override string Name => "max_items";

    /// <summary>The most items accepted.</summary>
    public int Max { get; } = max;

    protected override bool Check(FluentValidation.ValidationContext<T> context, IEnumerable<TItem>? value)
    {
        context.MessageFormatter.AppendArgument("MaxItems", Max);
        return value!.Take(Max + 1).Count() <= Max;
    }
}

/// <summary>Required-kind: unlike other rules, absence fails.</summary>
public sealed class AcceptedRule<T, TProperty>(Func<TProperty, bool> isAccepted) : LocalizedRule<T, TProperty>
{
    public override string Name => "accepted";

    public override bool IsValid(FluentValidation.ValidationContext<T> context, TProperty value) => isAccepted(value);

}

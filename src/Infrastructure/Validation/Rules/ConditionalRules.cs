using System.Collections;
using System.Linq.Expressions;
using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>
/// Rules that depend on other fields of the request: presence required or prohibited depending on them, and
/// confirmation fields. Present means: not null, a string that is not blank, or a collection with an item.
/// </summary>
public static class ConditionalRules
{
    /// <summary>Required when <paramref name="other"/> equals <paramref name="value"/>.</summary>
    public static IRuleBuilderOptions<T, TProperty> RequiredIf<T, TProperty, TOther>(
        this IRuleBuilder<T, TProperty> rule, Expression<Func<T, TOther>> other, TOther value) =>
        rule.SetValidator(new PresenceRule<T, TProperty>(
            "required_if", Read(other), o => Equals(o, value), mustBePresent: true, Describe(other), value));

    /// <summary>Required unless <paramref name="other"/> equals <paramref name="value"/>.</summary>
    public static IRuleBuilderOptions<T, TProperty> RequiredUnless<T, TProperty, TOther>(
        this IRuleBuilder<T, TProperty> rule, Expression<Func<T, TOther>> other, TOther value) =>
        rule.SetValidator(new PresenceRule<T, TProperty>(
            "required_unless", Read(other), o => !Equals(o, value), mustBePresent: true, Describe(other), value));

    /// <summary>Required when any of <paramref name="others"/> is present.</summary>
    public static IRuleBuilderOptions<T, TProperty> RequiredWith<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, params Expression<Func<T, object?>>[] others)
    {
        var read = others.Select(o => o.Compile()).ToArray();
        return rule.SetValidator(new PresenceRule<T, TProperty>(
            "required_with",
            instance => read.Any(r => IsPresent(r(instance))),
            anyPresent => anyPresent is true,
            mustBePresent: true,
            DescribeAll(others),
            null));
    }

    /// <summary>Must be absent when <paramref name="other"/> equals <paramref name="value"/>.</summary>
    public static IRuleBuilderOptions<T, TProperty> ProhibitedIf<T, TProperty, TOther>(
        this IRuleBuilder<T, TProperty> rule, Expression<Func<T, TOther>> other, TOther value) =>
        rule.SetValidator(new PresenceRule<T, TProperty>(
            "prohibited_if", Read(other), o => Equals(o, value), mustBePresent: false, Describe(other), value));

    /// <summary>When this field is present, every one of <paramref name="others"/> must be absent.</summary>
    public static IRuleBuilderOptions<T, TProperty> Prohibits<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, params Expression<Func<T, object?>>[] others) =>
        rule.SetValidator(new ProhibitsRule<T, TProperty>([.. others.Select(o => o.Compile())], DescribeAll(others)));

    /// <summary>Equals its confirmation field (e.g. <c>password</c> and <c>passwordConfirmation</c>).</summary>
    public static IRuleBuilderOptions<T, TProperty> Confirmed<T, TProperty>(
        this IRuleBuilder<T, TProperty> rule, Func<T, TProperty> confirmation) =>
        rule.SetValidator(new ConfirmedRule<T, TProperty>(confirmation));

    internal static bool IsPresent(object? value) => value switch
    {
        null => false,
        string text => !string.IsNullOrWhiteSpace(text),
        ICollection collection => collection.Count > 0,
        _ => true,
    };

    private static Func<T, object?> Read<T, TOther>(Expression<Func<T, TOther>> other)
    {
        var compiled = other.Compile();
        return instance => compiled(instance);
    }

    private static string Describe<T, TOther>(Expression<Func<T, TOther>> other) =>
        ValidationErrors.ToJsonPath(FluentValidation.Internal.PropertyChain.FromExpression(other).ToString());

    private static string DescribeAll<T>(Expression<Func<T, object?>>[] others) =>
        string.Join(", ", others.Select(Describe));
}

public sealed class PresenceRule<T, TProperty>(
    string code, Func<T, object?> other, Func<object?, bool> applies, bool mustBePresent, string otherName,
    object? otherValue)
    : LocalizedRule<T, TProperty>
{
    public override string Name { get; } = code;

    public override bool IsValid(ValidationContext<T> context, TProperty value)
    {
        context.MessageFormatter.AppendArgument("Other", otherName).AppendArgument("Value", otherValue ?? "");
        if (!applies(other(context.InstanceToValidate)))
        {
            return true;
        }

        return ConditionalRules.IsPresent(value) == mustBePresent;
    }

}

public sealed class ProhibitsRule<T, TProperty>(IReadOnlyList<Func<T, object?>> others, string otherNames)
    : LocalizedRule<T, TProperty>
{
    public override string Name => "prohibits";

    public override bool IsValid(ValidationContext<T> context, TProperty value)
    {
        context.MessageFormatter.AppendArgument("Other", otherNames);
        return !ConditionalRules.IsPresent(value)
            || !others.Any(o => ConditionalRules.IsPresent(o(context.InstanceToValidate)));
    }

}

public sealed class ConfirmedRule<T, TProperty>(Func<T, TProperty> confirmation) : LocalizedRule<T, TProperty>
{
    public override string Name => "confirmed";

    public override bool IsValid(ValidationContext<T> context, TProperty value) =>
        EqualityComparer<TProperty>.Default.Equals(value, confirmation(context.InstanceToValidate));

}

using FluentValidation;
using FluentValidation.Results;
using Template.Infrastructure.Validation;

namespace Template.Tests.Infrastructure.Validation;

/// <summary>Runs one rule on one value and reports the outcome with its code and message.</summary>
public static class RuleProbe
{
    static RuleProbe() => ValidationSetup.UseServiceConventions();

    public static ValidationResult Check<TValue>(Func<IRuleBuilder<Box<TValue>, TValue>, IRuleBuilderOptions<Box<TValue>, TValue>> rule, TValue value)
    {
        var validator = new InlineValidator<Box<TValue>>();
        rule(validator.RuleFor(b => b.Value));
        return validator.Validate(new Box<TValue>(value));
    }

    public static async Task<ValidationResult> CheckAsync<TValue>(Func<IRuleBuilder<Box<TValue>, TValue>, IRuleBuilderOptions<Box<TValue>, TValue>> rule, TValue value)
    {
        var validator = new InlineValidator<Box<TValue>>();
        rule(validator.RuleFor(b => b.Value));
        return await validator.ValidateAsync(new Box<TValue>(value));
    }

    /// <summary>Asserts the outcome and, on failure, that the rule reported <paramref name="code"/>.</summary>
    public static void AssertOutcome(ValidationResult result, bool valid, string code)
    {
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var failure = Assert.Single(result.Errors);
            Assert.Equal(code, failure.ErrorCode);
            Assert.StartsWith("'value'", failure.ErrorMessage, StringComparison.Ordinal);
            Assert.DoesNotContain("{", failure.ErrorMessage, StringComparison.Ordinal);
        }
    }
}

public sealed record Box<TValue>(TValue Value);

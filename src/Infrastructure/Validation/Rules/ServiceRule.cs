using FluentValidation;
using FluentValidation.Validators;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>
/// Base of the rules this service adds to FluentValidation. The validator's Name is the stable error code
/// (snake_case, e.g. <c>uuid</c>) and the key of the rule's message in every shipped culture
/// (<see cref="Messages.ValidationMessages"/>). A null value passes: only required-kind rules reject absence.
/// </summary>
public abstract class ServiceRule<T, TProperty> : LocalizedRule<T, TProperty>
{
    public sealed override bool IsValid(ValidationContext<T> context, TProperty value) =>
        value is null || Check(context, value);

    protected abstract bool Check(ValidationContext<T> context, TProperty value);
}

/// <summary>A FluentValidation rule whose message is looked up by its <c>Name</c> in the current UI culture.</summary>
public abstract class LocalizedRule<T, TProperty> : PropertyValidator<T, TProperty>
{
    // The member is FluentValidation's GetDefaultMessage-T-emplate, spelled with an escape so that renaming
    // this project when a service is generated leaves the framework's name alone.
    protected override string GetDefaultMessage\u0054emplate(string errorCode) => Localized(errorCode, Name);
}

/// <summary>The async counterpart of <see cref="LocalizedRule{T, TProperty}"/>, for rules that ask a data
/// source.</summary>
public abstract class LocalizedAsyncRule<T, TProperty> : AsyncPropertyValidator<T, TProperty>
{
    protected override string GetDefaultMessage\u0054emplate(string errorCode) => Localized(errorCode, Name);
}

/// <summary>What a rule tells the OpenAPI document about the values it accepts (JSON Schema <c>format</c> and
/// <c>pattern</c>).</summary>
public interface ISchemaHint
{
    string? Format { get; }

    string? Pattern { get; }
}

/// <summary>
/// A string rule given by a predicate, with optional arguments shown in its message (e.g. <c>{Values}</c>,
/// <c>{Length}</c>). Null and empty strings pass (absence is for NotEmpty to judge).
/// </summary>
public sealed class StringRule<T>(
    string code,
    Func<string, bool> isValid,
    IReadOnlyDictionary<string, object>? arguments = null,
    string? format = null,
    string? pattern = null)
    : ServiceRule<T, string?>, ISchemaHint
{
    public override string Name { get; } = code;

    public string? Format { get; } = format;

    public string? Pattern { get; } = pattern;

    protected override bool Check(ValidationContext<T> context, string? value)
    {
        foreach (var (key, argument) in arguments ?? new Dictionary<string, object>())
        {
            context.MessageFormatter.AppendArgument(key, argument);
        }

        return value!.Length == 0 || isValid(value);
    }
}

using System.Collections.Concurrent;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// Every validator registered for the request runs, and any failure stops the request with the validation status
/// before the handler runs. Errors are keyed by the JSON path the client sent.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var validated = RequestValidation.ValidateAsync(validators, message, cancellationToken);
        return validated.IsCompletedSuccessfully
            ? next(message, cancellationToken)
            : HandleAfterAsync(validated, message, next, cancellationToken);
    }

    private static async ValueTask<TResponse> HandleAfterAsync(
        ValueTask validated, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        await validated;
        return await next(message, cancellationToken);
    }
}

/// <summary>Runs validators as the pipeline does; endpoints that validate outside a mediator request use it
/// too.</summary>
public static class RequestValidation
{
    private static readonly ConcurrentDictionary<Type, bool> AsyncValidators = new();

    public static async ValueTask ValidateAsync<TMessage>(
        IEnumerable<IValidator<TMessage>> validators, TMessage message, CancellationToken cancellationToken)
    {
        // The container hands out arrays; indexing one saves the enumerator an IEnumerable would allocate.
        var all = validators as IValidator<TMessage>[] ?? [.. validators];
        List<ValidationFailure>? failures = null;
        foreach (var validator in all)
        {
            var result = await ValidateAsync(validator, message, cancellationToken);
            if (!result.IsValid)
            {
                (failures ??= []).AddRange(result.Errors);
            }
        }

        if (failures is not null)
        {
            throw new RequestValidationException(
                ValidationErrors.ByJsonPath(failures), ValidationErrors.CodesByJsonPath(failures));
        }
    }

    // Most validators have no async rule, and FluentValidation's synchronous path costs about a third less. A
    // validator that turns out to have one is remembered and validated asynchronously from then on.
    private static async ValueTask<ValidationResult> ValidateAsync<TMessage>(
        IValidator<TMessage> validator, TMessage message, CancellationToken cancellationToken)
    {
        var type = validator.GetType();
        if (!AsyncValidators.ContainsKey(type))
        {
            try
            {
                return validator.Validate(new ValidationContext<TMessage>(message));
            }
            catch (AsyncValidatorInvokedSynchronouslyException)
            {
                AsyncValidators.TryAdd(type, true);
            }
        }

        return await validator.ValidateAsync(new ValidationContext<TMessage>(message), cancellationToken);
    }
}

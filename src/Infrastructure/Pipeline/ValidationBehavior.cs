using FluentValidation;
using Mediator;
using Template.Infrastructure.Errors;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// Runs every validator registered for the request; any failure short-circuits with 400 before the
/// handler runs. Errors are keyed by the JSON path the client sent.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] validators = [.. validators];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }

        var context = new ValidationContext<TMessage>(message);
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(context, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException(ValidationErrors.ByJsonPath(failures), ValidationErrors.CodesByJsonPath(failures));
        }

        return await next(message, cancellationToken);
    }
}

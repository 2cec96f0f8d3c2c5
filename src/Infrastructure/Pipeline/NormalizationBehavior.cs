using Mediator;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// A request that tidies its own values before it is authorized and validated (Laravel's
/// <c>prepareForValidation</c>): trimming, lower-casing an e-mail address, filling defaults.
/// </summary>
public interface INormalizable<out TSelf>
{
    /// <summary>The same request with its values normalized. Must not fail: invalid values are the validator's to report.</summary>
    TSelf Normalize();
}

/// <summary>Replaces a <see cref="INormalizable{TSelf}"/> request by its normalized form for everything after it.</summary>
public sealed class NormalizationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(message is INormalizable<TMessage> normalizable ? normalizable.Normalize() : message, cancellationToken);
    }
}

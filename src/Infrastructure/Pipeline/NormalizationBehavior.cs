using Mediator;

namespace Template.Infrastructure.Pipeline;

/// <summary>
/// A request that tidies its own values before it is authorized and validated (Laravel's
/// <c>prepareForValidation</c>): trimming, lower-casing an e-mail address, filling defaults. The pipeline
/// replaces the request by its normalized form for every step after it and for the handler.
/// </summary>
public interface INormalizable<out TSelf>
{
    /// <summary>The same request with its values normalized. Must not fail: invalid values are the validator's to
    /// report.</summary>
    TSelf Normalize();
}

/// <summary>Replaces an <see cref="INormalizable{TSelf}"/> request by its normalized form.</summary>
public sealed class NormalizationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly bool Normalizes = typeof(INormalizable<TMessage>).IsAssignableFrom(typeof(TMessage));

    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        next(Normalizes ? ((INormalizable<TMessage>)message).Normalize() : message, cancellationToken);
}

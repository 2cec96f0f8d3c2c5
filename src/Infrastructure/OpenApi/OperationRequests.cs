using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace Template.Infrastructure.OpenApi;

/// <summary>What an operation sends through the mediator, and whether that asks who the caller is.</summary>
internal static class OperationRequests
{
    /// <summary>The request type the endpoint binds (as its body or with <c>[AsParameters]</c>), if any.</summary>
    public static Type? RequestType(ApiDescription description) =>
        description.ParameterDescriptions
            .SelectMany(p => new[] { p.ModelMetadata?.ContainerType, p.ParameterDescriptor?.ParameterType, p.Type })
            .FirstOrDefault(t => t is not null && typeof(IMessage).IsAssignableFrom(t));

    /// <summary>The authorization policies the operation asks for; null when it is open to anyone.</summary>
    public static IReadOnlyList<string>? Policies(ApiDescription description)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var request = RequestType(description);
        var attributes = request?.GetCustomAttributes(inherit: true) ?? [];
        if (metadata.OfType<IAllowAnonymous>().Any() || attributes.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        var authorize = metadata.OfType<IAuthorizeData>().Concat(attributes.OfType<IAuthorizeData>()).ToList();
        return authorize.Count == 0
            ? null
            : [.. authorize.Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    public static bool HasValidator(IServiceProvider services, Type? request)
    {
        if (request is null)
        {
            return false;
        }

        using var scope = services.CreateScope();
        var validator = typeof(FluentValidation.IValidator<>).MakeGenericType(request);
        return scope.ServiceProvider.GetService(validator) is not null;
    }

    public static bool Has<TMetadata>(ApiDescription description) =>
        description.ActionDescriptor.EndpointMetadata.OfType<TMetadata>().Any();
}

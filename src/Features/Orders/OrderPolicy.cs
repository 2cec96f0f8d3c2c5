using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Security;

namespace Template.Features.Orders;

/// <summary>The Orders area's gates: abilities that do not depend on a particular order.</summary>
public static class OrderGates
{
    /// <summary>List one's own orders.</summary>
    public const string ViewAny = "orders.viewAny";

    /// <summary>Read one order (which one, <see cref="OrderPolicy"/> decides).</summary>
    public const string View = "orders.view";

    /// <summary>Place an order.</summary>
    public const string Create = "orders.create";

    /// <summary>Change an order's note (which one, <see cref="OrderPolicy"/> decides).</summary>
    public const string Update = "orders.update";

    /// <summary>Cancel an order (which one, <see cref="OrderPolicy"/> decides).</summary>
    public const string Cancel = "orders.cancel";

    /// <summary>Confirm a placed order: given to its job, to no user.</summary>
    public const string Confirm = "orders.confirm";

    /// <summary>Delete old cancelled orders: given to the recurring job, to no user.</summary>
    public const string Purge = "orders.purge";

    /// <summary>Token scopes the gates ask for when the caller's token carries scopes.</summary>
    public const string ReadScope = "orders.read";
    public const string WriteScope = "orders.write";

    // Reads ask for the read scope, changes for the write scope; the jobs' gates for no user at all.
    public static IServiceCollection AddOrderGates(this IServiceCollection services) => services
        .AddGate(ViewAny, IsSignedIn, ReadScope)
        .AddGate(View, IsSignedIn, ReadScope)
        .AddGate(Create, IsSignedIn, WriteScope)
        .AddGate(Update, IsSignedIn, WriteScope)
        .AddGate(Cancel, IsSignedIn, WriteScope)
        .AddGate(Confirm, _ => false)
        .AddGate(Purge, _ => false);

    private static bool IsSignedIn(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;
}

/// <summary>The operations <see cref="OrderPolicy"/> decides on a loaded order.</summary>
public static class OrderOperations
{
    public static readonly OperationAuthorizationRequirement View = new() { Name = nameof(View) };
    public static readonly OperationAuthorizationRequirement Update = new() { Name = nameof(Update) };
    public static readonly OperationAuthorizationRequirement Cancel = new() { Name = nameof(Cancel) };
}

/// <summary>
/// Who may do what with an order: its owner everything; an admin may view and cancel any order but not change
/// another caller's note; anyone else learns nothing (404, as if the order did not exist).
/// </summary>
public sealed class OrderPolicy : ResourcePolicy<Order>
{
    protected override PolicyDecision Decide(ClaimsPrincipal user, string operation, Order resource)
    {
        if (string.Equals(resource.OwnerId, user.SubjectId(), StringComparison.Ordinal))
        {
            return PolicyDecision.Allow();
        }

        if (!user.IsInRole(Roles.Admin))
        {
            return PolicyDecision.DenyAsNotFound();
        }

        return operation == OrderOperations.Update.Name
            ? PolicyDecision.Deny("Only the owner may change an order's note.")
            : PolicyDecision.Allow();
    }
}

public static class OrderAuthorization
{
    /// <summary>The order, if <paramref name="operation"/> on it is allowed for <paramref name="caller"/>; 404 or 403
    /// otherwise.</summary>
    public static async ValueTask<Order> GetAuthorizedAsync(
        this IOrderStore store, IAuthorizationService authorization, IRequestCaller caller, Guid id,
        OperationAuthorizationRequirement operation, CancellationToken cancellationToken)
    {
        var order = await store.FindAsync(id, cancellationToken) ?? throw NotFoundException.For("Order", id);
        await authorization.EnsureAllowedAsync(
            caller.Principal, order, operation, () => NotFoundException.For("Order", id));
        return order;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Security;

namespace Template.Tests.Infrastructure;

public sealed class GateTests
{
    private const string Export = "reports.export";

    private readonly IAuthorizationService authorization = new ServiceCollection()
        .AddLogging()
        .AddAuthorizationCore()
        .AddSingleton<IAuthorizationHandler, GateHandler>()
        .AddGate(Export, user => user.IsInRole("analyst"), scope: "reports")
        .BuildServiceProvider()
        .GetRequiredService<IAuthorizationService>();

    [Fact]
    public async Task A_gate_allows_whom_its_rule_allows_and_says_why_it_refuses_others()
    {
        Assert.True((await authorization.AuthorizeAsync(User("ann", "analyst"), Export)).Succeeded);

        var refused = await authorization.AuthorizeAsync(User("bob"), Export);
        Assert.False(refused.Succeeded);
        Assert.Equal("This requires the 'reports.export' ability.", Assert.Single(refused.Failure!.FailureReasons).Message);
    }

    [Fact]
    public async Task An_access_token_must_carry_the_gates_scope_and_scopes_never_widen()
    {
        Assert.True((await authorization.AuthorizeAsync(User("ann", "analyst").WithToken("reports profile"), Export)).Succeeded);

        var narrowed = await authorization.AuthorizeAsync(User("ann", "analyst").WithToken("profile"), Export);
        Assert.Equal("The access token lacks the 'reports' scope.", Assert.Single(narrowed.Failure!.FailureReasons).Message);
        Assert.False((await authorization.AuthorizeAsync(User("ann", "analyst").WithToken(null), Export)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(User("root", Roles.SuperAdmin).WithToken("profile"), Export)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(User("bob").WithToken("reports"), Export)).Succeeded);
    }

    [Fact]
    public async Task A_caller_without_an_access_token_has_no_scopes_to_ask()
    {
        // A session, a gateway's header or a job: a scope claim there is not a token's grant, and none is needed.
        Assert.True((await authorization.AuthorizeAsync(User("ann", "analyst"), Export)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(User("ann", "analyst").WithScopeClaim("profile"), Export)).Succeeded);
    }

    [Fact]
    public async Task A_super_admin_passes_every_gate_first() =>
        Assert.True((await authorization.AuthorizeAsync(User("root", Roles.SuperAdmin), Export)).Succeeded);

    [Fact]
    public async Task A_job_has_exactly_the_abilities_its_command_declares()
    {
        Assert.True((await authorization.AuthorizeAsync(ScopeCaller.SystemPrincipal([Export]), Export)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(ScopeCaller.SystemPrincipal(["something.else"]), Export)).Succeeded);

        var caller = new ScopeCaller();
        caller.RunAsSystem(typeof(ExportCommand));
        Assert.Equal(ScopeCaller.SystemSubject, caller.Principal!.FindFirstValue("sub"));
        Assert.Equal([Export], caller.Principal!.FindAll(Gates.AbilityClaim).Select(c => c.Value));
        Assert.Empty(caller.Principal!.FindAll(ClaimTypes.Role));
    }

    private static ClaimsPrincipal User(string id, params string[] roles) =>
        new(new ClaimsIdentity([new Claim("sub", id), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    [JobAbilities(Export)]
    private sealed record ExportCommand;
}

internal static class ScopedPrincipal
{
    /// <summary>The same user, authenticated by an access token granted <paramref name="scope"/> (none when null).</summary>
    public static ClaimsPrincipal WithToken(this ClaimsPrincipal user, string? scope)
    {
        var claims = user.Claims.Where(c => c.Type != "scope").ToList();
        if (scope is not null)
        {
            claims.Add(new Claim("scope", scope));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthSchemes.AccessToken, "sub", ClaimTypes.Role));
    }

    public static ClaimsPrincipal WithScopeClaim(this ClaimsPrincipal user, string scope)
    {
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim("scope", scope));
        return user;
    }
}

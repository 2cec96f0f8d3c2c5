using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Template.Infrastructure.Security;

namespace Template.Tests.Infrastructure;

public sealed class GateTests
{
    private const string Export = "reports.export";

    private readonly IAuthorizationService authorization = new ServiceCollection()
        .AddLogging()
        .AddAuthorizationCore()
        .AddSingleton<IAuthorizationHandler, GateHandler>()
        .AddGate(Export, user => user.IsInRole("analyst"))
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

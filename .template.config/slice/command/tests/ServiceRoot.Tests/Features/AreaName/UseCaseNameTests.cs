using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServiceRoot.Features.AreaName.UseCaseName;
using ServiceRoot.Infrastructure.Events;
using ServiceRoot.Infrastructure.Persistence;
using ServiceRoot.Tests.Support;

namespace ServiceRoot.Tests.Features.AreaName;

[Collection(SharedServiceHost.Name)]
public sealed class UseCaseNameTests(ServiceFixture service)
{
    private readonly IAlbaHost host = service.Host;

    [Fact]
    public async Task A_valid_request_is_handled_for_the_caller()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new UseCaseNameCommand("REF-1")).ToUrl(UseCaseNameEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(200);
        });
        var response = await result.ReadAsJsonAsync<UseCaseNameResponse>();
        Assert.Equal(new UseCaseNameResponse("REF-1", "alice"), response);
    }

    [Fact]
    public async Task The_event_is_committed_with_the_request_and_its_listener_runs_as_a_job()
    {
        var reference = $"REF-{Guid.NewGuid():N}"[..20];
        await host.Scenario(s =>
        {
            s.Post.Json(new UseCaseNameCommand(reference)).ToUrl(UseCaseNameEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(200);
        });

        var databases = host.Services.GetRequiredService<IDbContextFactory<ServiceDb>>();
        OutboxMessage? row = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await databases.CreateDbContextAsync();
                row = (await db.Set<OutboxMessage>().AsNoTracking().ToListAsync())
                    .SingleOrDefault(m => m.Payload.Contains(reference, StringComparison.Ordinal));
                return row?.CompletedAt is not null;
            },
            () => row is null ? "No outbox row was committed." : "The listener's job did not complete.");
        Assert.EndsWith($"{nameof(UseCaseNameListener)}:{nameof(UseCaseNameRequested)}", row!.Listener, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_request_is_400_keyed_by_field()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new UseCaseNameCommand("")).ToUrl(UseCaseNameEndpoint.Route);
            s.As("alice");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reference", out _));
    }

    [Fact]
    public async Task An_anonymous_caller_is_401()
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new UseCaseNameCommand("REF-1")).ToUrl(UseCaseNameEndpoint.Route);
            s.StatusCodeShouldBe(401);
        });
        await result.ReadProblemAsync(401);
    }
}

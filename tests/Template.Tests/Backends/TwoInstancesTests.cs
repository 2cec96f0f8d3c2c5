using Hangfire;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Template.Features.Orders;
using Template.Tests.Features.Orders;
using Template.Tests.Support;

namespace Template.Tests.Backends;

/// <summary>Two instances of the service on one Redis behave as one service.</summary>
public sealed class TwoInstancesTests
{
    [SkippableFact]
    public async Task A_job_queued_by_an_api_instance_runs_on_a_worker_instance()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = ServiceFixture.RedisSettings(redis.ConnectionString);
        await using var api = await StartAsync(settings, ("Jobs:Role", "Api"));
        await using var worker = await StartAsync(settings, ("Jobs:Role", "Worker"));

        var placed = await api.PlaceAsync("kim");
        await api.WaitForStatusAsync(placed.Id, OrderStatus.Confirmed);

        // Only the worker instance has job servers; the API instance sees them through the shared storage.
        var servers = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers();
        Assert.Equal(3, servers.Count);
    }

    [SkippableFact]
    public async Task An_order_changed_through_one_instance_is_never_served_stale_by_the_other()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = ServiceFixture.RedisSettings(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);

        var confirmed = await a.PlaceConfirmedAsync("lee");
        // B reads the order twice, so its in-process level holds it.
        Assert.Equal(OrderStatus.Confirmed, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);
        Assert.Equal(OrderStatus.Confirmed, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);

        await a.Scenario(s =>
        {
            s.Post.Url($"{OrdersApi.OrderUrl(confirmed.Id)}/cancel");
            s.As("lee");
            s.StatusCodeShouldBe(200);
        });

        Assert.Equal(OrderStatus.Cancelled, (await b.GetJsonAsync<OrderResponse>(OrdersApi.OrderUrl(confirmed.Id), "lee")).Status);
    }

    [SkippableFact]
    public async Task Data_protected_by_one_instance_is_read_by_the_other_and_not_by_another_service()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = ServiceFixture.RedisSettings(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);
        await using var stranger = await StartAsync(ServiceFixture.RedisSettings(redis.ConnectionString));

        var protectedByA = Protector(a).Protect("session of kim");
        Assert.Equal("session of kim", Protector(b).Unprotect(protectedByA));
        Assert.Equal("session of lee", Protector(a).Unprotect(Protector(b).Protect("session of lee")));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(stranger).Unprotect(protectedByA));

        static IDataProtector Protector(IAlbaHost host) =>
            host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("two-instances-test");
    }

    [SkippableFact]
    public async Task An_antiforgery_token_and_cookie_issued_by_one_instance_are_accepted_by_the_other()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = ServiceFixture.RedisSettings(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);
        await using var stranger = await StartAsync(ServiceFixture.RedisSettings(redis.ConnectionString));

        var issuing = new DefaultHttpContext { RequestServices = a.Services };
        var tokens = a.Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(issuing);
        var cookie = issuing.Response.Headers.SetCookie.ToString().Split(';')[0];

        await b.Services.GetRequiredService<IAntiforgery>().ValidateRequestAsync(PostWith(b, cookie, tokens));
        await Assert.ThrowsAsync<AntiforgeryValidationException>(() =>
            stranger.Services.GetRequiredService<IAntiforgery>().ValidateRequestAsync(PostWith(stranger, cookie, tokens)));

        static DefaultHttpContext PostWith(IAlbaHost host, string cookie, AntiforgeryTokenSet tokens)
        {
            var context = new DefaultHttpContext { RequestServices = host.Services };
            context.Request.Method = "POST";
            context.Request.Headers.Cookie = cookie;
            context.Request.Headers[tokens.HeaderName!] = tokens.RequestToken;
            return context;
        }
    }

    private static Task<IAlbaHost> StartAsync(Dictionary<string, string?> shared, params (string Key, string Value)[] extra) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in shared)
            {
                builder.UseSetting(key, value);
            }

            foreach (var (key, value) in extra)
            {
                builder.UseSetting(key, value);
            }

            // Antiforgery arrives with the CSRF work; here it only shows that the shared key ring carries it.
            builder.ConfigureServices(services => services.AddAntiforgery());
        });
}

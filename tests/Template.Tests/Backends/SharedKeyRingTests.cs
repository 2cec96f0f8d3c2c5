using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Template.Tests.Support;

namespace Template.Tests.Backends;

/// <summary>Two instances on one Redis share one Data Protection key ring; another service does not.</summary>
[Slow(Suite.Redis)]
public sealed class SharedKeyRingTests
{
    [SkippableFact]
    public async Task Data_protected_by_one_instance_is_read_by_the_other_and_not_by_another_service()
    {
        var redis = await RedisServer.RequireSharedAsync();
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);
        await using var stranger = await StartAsync(await ServiceFixture.RedisSettingsAsync(redis.ConnectionString));

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
        var settings = await ServiceFixture.RedisSettingsAsync(redis.ConnectionString);
        await using var a = await StartAsync(settings);
        await using var b = await StartAsync(settings);
        await using var stranger = await StartAsync(await ServiceFixture.RedisSettingsAsync(redis.ConnectionString));

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

    private static Task<IAlbaHost> StartAsync(Dictionary<string, string?> shared, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(shared);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return ServiceFixture.StartAsync("Development", settings,
            // Antiforgery arrives with the CSRF work; here it only shows that the shared key ring carries it.
            services => services.AddAntiforgery());
    }
}

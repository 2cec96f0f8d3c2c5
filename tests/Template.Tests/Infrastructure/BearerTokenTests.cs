using Microsoft.IdentityModel.Tokens;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The resource server against a real (loopback) authority: discovery, JWKS, rotation, and the forged-token
/// matrix. Every forged token answers 401 problem+json.
/// </summary>
public sealed class BearerTokenTests : IAsyncLifetime
{
    private const string Audience = "orders-api";
    private const string ProtectedUrl = ProbeEndpoints.Me;

    private FakeAuthority authority = null!;
    private FakeAuthority attacker = null!;
    private IAlbaHost host = null!;

    public async Task InitializeAsync()
    {
        authority = await FakeAuthority.StartAsync();
        attacker = await FakeAuthority.StartAsync();
        host = await ServiceFixture.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Auth:Authority"] = authority.Address,
            ["Auth:Audience"] = Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:MetadataRefreshInterval"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await attacker.DisposeAsync();
        await authority.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_access_token_reaches_the_endpoint_as_its_subject()
    {
        var result = await CallAsync(authority.Issue("tess", Audience), 200);
        Assert.Equal("\"tess\"", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task A_token_expired_within_the_clock_skew_is_still_accepted() =>
        await CallAsync(authority.Issue("tess", Audience, expires: DateTime.UtcNow.AddSeconds(-10)), 200);

    [Fact]
    public async Task A_rotated_key_is_picked_up_from_the_jwks_without_a_restart()
    {
        await CallAsync(authority.Issue("tess", Audience), 200);
        authority.RotateKey();

        // An unknown key id makes the service fetch the JWKS again (at most once per MetadataRefreshInterval);
        // the request that revealed the new key may still be refused, the ones after it are accepted.
        var token = authority.Issue("tess", Audience);
        await Eventually.HoldsAsync(
            async () => (await host.Scenario(s =>
            {
                s.Get.Url(ProtectedUrl);
                s.WithRequestHeader("Authorization", $"Bearer {token}");
                s.IgnoreStatusCode();
            })).Context.Response.StatusCode == 200,
            () => "The rotated key was not picked up.",
            pause: TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Roles_in_the_token_reach_gates_and_the_subject_owns_what_it_creates()
    {
        await host.Scenario(s =>
        {
            s.Get.Url("/jobs");
            s.WithRequestHeader("Authorization", $"Bearer {authority.Issue("ada", Audience, roles: ["admin"])}");
            s.StatusCodeShouldBe(200);
        });
        await host.Scenario(s =>
        {
            s.Get.Url("/jobs");
            s.WithRequestHeader("Authorization", $"Bearer {authority.Issue("tess", Audience)}");
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_problem_json() =>
        await (await CallAsync(token: null, 401)).ReadProblemAsync(401);

    public static TheoryData<string> ForgedTokens => new()
    {
        "unsigned (alg none)",
        "signed by another key",
        "wrong issuer",
        "wrong audience",
        "expired beyond the skew",
        "not yet valid",
        "wrong token type",
        "tampered payload",
        "HMAC with the public key",
        "key from a jku header",
        "key embedded in a jwk header",
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_tokens_are_refused_with_401(string forgery)
    {
        var token = forgery switch
        {
            "unsigned (alg none)" => authority.IssueUnsigned("tess", Audience),
            "signed by another key" => authority.Issue("tess", Audience, key: FakeAuthority.NewKey()),
            "wrong issuer" => authority.Issue("tess", Audience, issuer: attacker.Address),
            "wrong audience" => authority.Issue("tess", "someone-else"),
            "expired beyond the skew" => authority.Issue("tess", Audience, expires: DateTime.UtcNow.AddSeconds(-60)),
            "not yet valid" => authority.Issue("tess", Audience, notBefore: DateTime.UtcNow.AddMinutes(2), expires: DateTime.UtcNow.AddMinutes(10)),
            "wrong token type" => authority.Issue("tess", Audience, tokenType: "JWT"),
            "tampered payload" => FakeAuthority.Tamper(authority.Issue("tess", Audience), "admin"),
            "HMAC with the public key" => authority.Issue(
                "tess", Audience, key: new SymmetricSecurityKey(authority.CurrentKey.Rsa.ExportRSAPublicKey()), algorithm: SecurityAlgorithms.HmacSha256),
            "key from a jku header" => attacker.Issue(
                "tess", Audience, issuer: authority.Address, extraHeaders: new Dictionary<string, object> { ["jku"] = $"{attacker.Address}/jwks" }),
            "key embedded in a jwk header" => EmbeddedKeyToken(),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var problem = await (await CallAsync(token, 401)).ReadProblemAsync(401);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    private string EmbeddedKeyToken()
    {
        var key = FakeAuthority.NewKey();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        return authority.Issue("tess", Audience, key: key, extraHeaders: new Dictionary<string, object>
        {
            ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = jwk.N, ["e"] = jwk.E, ["kid"] = jwk.Kid },
        });
    }

    private Task<IScenarioResult> CallAsync(string? token, int status) => host.Scenario(s =>
    {
        s.Get.Url(ProtectedUrl);
        if (token is not null)
        {
            s.WithRequestHeader("Authorization", $"Bearer {token}");
        }

        s.StatusCodeShouldBe(status);
    });
}

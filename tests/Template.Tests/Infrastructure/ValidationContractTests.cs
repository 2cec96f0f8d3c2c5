using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>The validation error contract over HTTP: paths, codes, summary, status option and languages.</summary>
[Collection(SharedServiceHost.Name)]
public sealed class ValidationContractTests(ServiceFixture service)
{
    private static readonly object Invalid = new
    {
        email = "alice@@example",
        currency = "EURO",
        website = "ftp://example.com",
        handle = "far too long!",
        tags = new[] { "a", "a" },
    };

    [Fact]
    public async Task Each_failure_carries_its_messages_and_stable_codes_under_the_json_path()
    {
        var (problem, language) = await PostWithLanguageAsync(service.Host, Invalid, language: null, status: 400);
        var errors = problem.GetProperty("errors");
        var codes = problem.GetProperty("codes");

        Assert.Equal(["email"], Strings(codes.GetProperty("email")));
        Assert.Equal(["currency"], Strings(codes.GetProperty("currency")));
        Assert.Equal(["url"], Strings(codes.GetProperty("website")));
        Assert.Equal(["maximum_length", "alpha_dash"], Strings(codes.GetProperty("handle")));
        Assert.Equal(["distinct"], Strings(codes.GetProperty("tags")));
        Assert.Equal(2, errors.GetProperty("handle").GetArrayLength());
        Assert.Equal("'email' must be a valid email address.", errors.GetProperty("email")[0].GetString());
        Assert.Equal("'email' must be a valid email address. (and 5 more errors)", problem.GetProperty("detail").GetString());
        Assert.Equal("en", language);
    }

    [Theory]
    [InlineData("de-DE,de;q=0.9,en;q=0.5", "de", "'email' muss eine gültige E-Mail-Adresse sein.", "Die Länge von 'handle' muss kleiner oder gleich 8 sein. Sie haben 13 Zeichen eingegeben.", "(und 5 weitere Fehler)")]
    [InlineData("fr-CH", "fr", "'email' doit être une adresse e-mail valide.", "'handle' doit être inférieur ou égal à 8 caractères. Vous avez saisi 13 caractères.", "(et 5 autres erreurs)")]
    [InlineData("es", "es", "'email' debe ser una dirección de correo electrónico válida.", "'handle' debe ser menor o igual que 8 caracteres. Ingresó 13 caracteres.", "(y 5 errores más)")]
    [InlineData("ja-JP", "en", "'email' must be a valid email address.", "The length of 'handle' must be 8 characters or fewer. You entered 13 characters.", "(and 5 more errors)")]
    public async Task Messages_follow_accept_language_for_built_in_and_added_rules(
        string acceptLanguage, string culture, string addedRuleMessage, string builtInMessage, string summaryTail)
    {
        var (problem, language) = await PostWithLanguageAsync(service.Host, Invalid, acceptLanguage, status: 400);
        var errors = problem.GetProperty("errors");
        Assert.Equal(addedRuleMessage, errors.GetProperty("email")[0].GetString());
        Assert.Equal(builtInMessage, errors.GetProperty("handle")[0].GetString());
        Assert.EndsWith(summaryTail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(culture, language);
    }

    [Fact]
    public async Task A_valid_request_passes()
    {
        var result = await service.Host.Scenario(s =>
        {
            s.Post.Json(new { email = "alice@example.com", currency = "EUR", website = "https://example.com", handle = "alice_1", tags = new[] { "a", "b" } })
                .ToUrl(ProbeEndpoints.Validate);
            s.StatusCodeShouldBe(200);
        });
        Assert.Equal("\"valid\"", await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task The_status_can_be_422_for_teams_on_laravels_convention()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { ["Validation:StatusCode"] = "422" });
        var problem = await PostAsync(host, Invalid, language: null, status: 422);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.21", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("codes").TryGetProperty("email", out _));

        // Malformed requests stay 400: they never reached validation.
        await host.Scenario(s =>
        {
            s.Post.Text("{\"email\":").ToUrl(ProbeEndpoints.Validate);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
    }

    private static async Task<JsonElement> PostAsync(IAlbaHost host, object body, string? language, int status) =>
        (await PostWithLanguageAsync(host, body, language, status)).Problem;

    /// <summary>The problem and the culture the answer declares in Content-Language.</summary>
    private static async Task<(JsonElement Problem, string Language)> PostWithLanguageAsync(IAlbaHost host, object body, string? language, int status)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(ProbeEndpoints.Validate);
            if (language is not null)
            {
                s.WithRequestHeader("Accept-Language", language);
            }

            s.StatusCodeShouldBe(status);
        });
        return (await result.ReadProblemAsync(status), result.Context.Response.Headers.ContentLanguage.ToString());
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

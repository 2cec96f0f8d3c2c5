using System.Text.RegularExpressions;
using Template.Infrastructure.Validation.Messages;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure.Validation;

public sealed partial class MessageCatalogueTests
{
    [Fact]
    public void Every_shipped_culture_has_every_message_with_the_same_placeholders()
    {
        var english = ValidationMessages.Cultures["en"];
        foreach (var (culture, messages) in ValidationMessages.Cultures)
        {
            Assert.Equal(english.Keys.Order(StringComparer.Ordinal), messages.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, message) in messages)
            {
                Assert.False(string.IsNullOrWhiteSpace(message), $"{culture}/{key} is empty.");
                Assert.Equal(Placeholders(english[key]), Placeholders(message));
            }
        }
    }

    [Fact]
    public async Task Only_configured_cultures_are_answered_and_the_first_is_the_fallback()
    {
        await using var host = await ServiceFixture.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Validation:SupportedCultures:0"] = "de",
            ["Validation:SupportedCultures:1"] = "en",
        });
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { email = "nope" }).ToUrl(ProbeEndpoints.Validate);
            s.WithRequestHeader("Accept-Language", "fr");
            s.StatusCodeShouldBe(400);
        });
        var problem = await result.ReadProblemAsync(400);
        Assert.Equal("de", result.Context.Response.Headers.ContentLanguage.ToString());
        Assert.Equal("'email' muss eine gültige E-Mail-Adresse sein.", problem.GetProperty("errors").GetProperty("email")[0].GetString());
    }

    private static string[] Placeholders(string message) =>
        [.. Placeholder().Matches(message).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{[A-Za-z0-9]+\}")]
    private static partial Regex Placeholder();
}

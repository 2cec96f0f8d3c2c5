using System.Net;
using System.Text;
using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The body limit is Kestrel's own (<c>Http:MaxRequestBodyBytes</c>), which the in-process test server does not
/// enforce, so this runs the service on Kestrel on a free loopback port: a declared length over the limit and a
/// chunked body (no Content-Length) that passes it are both 413 problem+json.
/// </summary>
public sealed class KestrelLimitsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_limit_is_413_problem_json(bool chunked)
    {
        var port = Loopback.FreePort();
        await using var factory = KestrelHost.Start(port, new Dictionary<string, string?> { ["Http:MaxRequestBodyBytes"] = "1024" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var request = new HttpRequestMessage(HttpMethod.Post, ProbeEndpoints.Echo)
        {
            Content = new StringContent(JsonSerializer.Serialize(new EchoRequest(new string('x', 4096), 1, null)), Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("limit of 1024 bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

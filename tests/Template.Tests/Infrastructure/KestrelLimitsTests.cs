using System.Net;
using System.Text;
using System.Text.Json;
using Template.Tests.Support;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The in-process test server enforces no body limit, so this runs the service on Kestrel on a free
/// loopback port to check that a chunked body (no Content-Length) is cut off at the same limit.
/// </summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_problem_json()
    {
        var port = Loopback.FreePort();
        await using var factory = KestrelHost.Start(port, new Dictionary<string, string?> { ["Http:MaxRequestBodyBytes"] = "1024" });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var request = new HttpRequestMessage(HttpMethod.Post, ProbeEndpoints.Echo)
        {
            Content = new StringContent(JsonSerializer.Serialize(new EchoRequest(new string('x', 4096), 1, null)), Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("limit of 1024 bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

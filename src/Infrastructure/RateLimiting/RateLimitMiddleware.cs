using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Template.Infrastructure.Errors;

namespace Template.Infrastructure.RateLimiting;

/// <summary>
/// Applies the global policy and the endpoint's policy (chosen with ASP.NET Core's <c>RequireRateLimiting</c>,
/// skipped with <c>DisableRateLimiting</c>). Written here rather than with <c>UseRateLimiter</c> because that
/// middleware cannot report the remaining permits on admitted responses, and cannot count in Redis.
/// Runs before authentication proper so that endpoints answered inside it (the token endpoint) are limited too;
/// it authenticates the request itself to find the caller, and the handlers keep that result for the request.
/// </summary>
public sealed class RateLimitMiddleware(
    RequestDelegate next,
    IRateLimitCounters counters,
    IOptions<RateLimitingOptions> options,
    IProblemDetailsService problems)
{
    private readonly RateLimitingOptions settings = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        var endpointPolicy = endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var global = settings.GlobalPolicy;
        if (string.IsNullOrEmpty(global) && endpointPolicy is null)
        {
            await next(context);
            return;
        }

        var partition = await PartitionAsync(context);
        RateLimitDecision? reported = null;
        List<(string Policy, string Permit)>? permits = null;
        try
        {
            // Global first; an endpoint naming the global policy is counted once. No collection: this runs per request.
            for (var step = 0; step < 2; step++)
            {
                var name = step == 0 ? global : endpointPolicy;
                if (string.IsNullOrEmpty(name) || (step == 1 && name == global))
                {
                    continue;
                }

                var policy = settings.Policies[name];
                var decision = await counters.AcquireAsync(name, policy, partition, context.RequestAborted);
                if (decision.Permit is { } permit)
                {
                    (permits ??= []).Add((name, permit));
                }

                if (!decision.Allowed)
                {
                    await RejectAsync(context, name, decision);
                    return;
                }

                // The endpoint's own policy is the one its headers describe.
                reported = decision;
            }

            WriteHeaders(context.Response.Headers, reported!.Value);
            await next(context);
        }
        finally
        {
            foreach (var (policy, permit) in permits ?? [])
            {
                await counters.ReleaseAsync(policy, partition, permit);
            }
        }
    }

    /// <summary>
    /// Who is counted: the authenticated subject, else the client address (after the trusted-proxy rules of
    /// forwarded headers). IPv6 addresses count by their /64, which one client usually holds whole.
    /// </summary>
    public static async Task<string> PartitionAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync();
        if (result.Succeeded && (result.Principal.FindFirst("sub") ?? result.Principal.FindFirst(ClaimTypes.NameIdentifier)) is { } subject)
        {
            return "sub:" + subject.Value;
        }

        return "ip:" + AddressPartition(context.Connection.RemoteIpAddress);
    }

    public static string AddressPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static void WriteHeaders(IHeaderDictionary headers, RateLimitDecision decision)
    {
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, decision.Remaining).ToString(CultureInfo.InvariantCulture);
        if (decision.Reset > TimeSpan.Zero)
        {
            headers["RateLimit-Reset"] = Seconds(decision.Reset);
        }
    }

    private static string Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private async Task RejectAsync(HttpContext context, string policyName, RateLimitDecision decision)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        WriteHeaders(response.Headers, decision);
        // A concurrency limit frees up when some request ends; one second is a fair guess.
        var retryAfter = decision.Reset > TimeSpan.Zero ? Seconds(decision.Reset) : "1";
        response.Headers.RetryAfter = retryAfter;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too Many Requests",
                Detail = $"The rate limit '{policyName}' ({decision.Limit}) is used up; retry after {retryAfter} s.",
            },
        });
    }
}

using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Template.Infrastructure.Areas;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Events;
using Template.Infrastructure.Health;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Http;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.OpenApi;
using Template.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.HttpsPolicy;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Security;
using Template.Infrastructure.Telemetry;
using Template.Infrastructure.Validation;
using Template.Infrastructure.Persistence;

namespace Template.Infrastructure;

/// <summary>The cross-cutting wiring Program.cs calls: one method for services, one for the HTTP pipeline.</summary>
public static class ServiceSetup
{
    public static WebApplicationBuilder AddServiceInfrastructure(
        this WebApplicationBuilder builder, Assembly featuresAssembly)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSettings<HttpLimitsOptions, HttpLimitsValidator>(HttpLimitsOptions.Section);
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HttpLimitsOptions>>((kestrel, http) => ApplyLimits(kestrel, http.Value));

        services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>()
            .Configure<IOptions<HttpLimitsOptions>>((json, http) =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            // null for a member declared non-nullable is bad input (400), not a null the handler trips over.
            json.SerializerOptions.RespectNullableAnnotations = true;
            json.SerializerOptions.MaxDepth = http.Value.MaxJsonDepth;
            // A number is a JSON number: "5" for an integer is bad input, and the document types it as integer only.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        var backends = ServiceBackends.From(configuration);
        services.AddRedisConnection(configuration, backends);
        services.AddSharedDataProtection(builder.Environment, backends);
        services.AddPersistence(configuration, builder.Environment);
        services.AddCaching(backends);
        services.AddJobs(configuration, backends);
        services.AddEvents(featuresAssembly);
        services.AddServiceTelemetry(configuration, builder.Environment, backends);
        services.AddProblemResponses();
        services.AddRequestValidation(configuration);
        services.AddServiceSecurity(configuration, builder.Environment, backends);
        services.AddTrustedProxies(configuration);
        services.AddCorsAllowList(configuration);
        services.AddRateLimits(configuration, backends);
        services.AddOptions<SecurityHeadersOptions>()
            .Bind(configuration.GetSection(SecurityHeadersOptions.Section))
            .Validate(h => h.HstsMaxAge >= TimeSpan.Zero, "SecurityHeaders:HstsMaxAge must not be negative.")
            .ValidateOnStart();
        services.AddOptions<HstsOptions>().Configure<IOptions<SecurityHeadersOptions>>((hsts, headers) =>
        {
            hsts.MaxAge = headers.Value.HstsMaxAge;
            hsts.IncludeSubDomains = headers.Value.HstsIncludeSubDomains;
        });
        services.AddValidators(featuresAssembly);
        services.AddEndpointsFrom(featuresAssembly);
        services.AddFeatureModulesFrom(featuresAssembly, configuration);
        services.TryAddSingleton(TimeProvider.System);
        var health = services.AddHealthChecks();
        if (backends.UsesRedis)
        {
            health.AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        }

        services.AddServiceOpenApi(configuration);
        return builder;
    }

    private static void ApplyLimits(KestrelServerOptions kestrel, HttpLimitsOptions http)
    {
        // Saying which server runs helps only an attacker.
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
        limits.MaxRequestHeadersTotalSize = http.MaxRequestHeadersTotalBytes;
        limits.MaxRequestHeaderCount = http.MaxRequestHeaderCount;
        limits.RequestHeadersTimeout = http.RequestHeadersTimeout;
        limits.KeepAliveTimeout = http.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(http.MinDataRateBytesPerSecond, TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(http.MinDataRateBytesPerSecond, TimeSpan.FromSeconds(5));
        limits.MaxConcurrentConnections = http.MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = http.MaxConcurrentConnections;
    }

    /// <summary>
    /// The request flow, outermost first. Each step sees what the ones above it decided: the client's real address,
    /// the request's language, the problem handler that turns every failure below it into problem+json.
    /// </summary>
    public static WebApplication UseServiceInfrastructure(this WebApplication app)
    {
        // 1. Who is asking and in which language; every later step (logs, limits) sees the real address.
        app.UseTrustedProxies();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseRequestLocalization();

        // 2. Every failure from here on becomes application/problem+json, in the request's language.
        app.UseProblemResponses();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseCorsAllowList();

        // 3. Limits before credentials, so the token endpoint is limited before it checks a secret.
        app.UseRateLimits(app.Services.GetRequiredService<SecurityFeatures>().CarriesCredential);

        // 4. Credentials, then CSRF for cookie sessions, then the endpoint's authorization policy.
        app.UseAuthentication();
        app.UseMiddleware<CsrfMiddleware>();
        // ASP.NET Core's own check, which form-bound endpoints require; the CSRF step already refused bad tokens.
        app.UseAntiforgery();
        app.UseAuthorization();

        // 5. The endpoints: health always; a worker-only instance serves nothing else.
        app.MapHealthEndpoints();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            // Scalar's default fonts come from its CDN, which the page CSP does not allow.
            app.MapScalarApiReference(scalar => scalar.DisableDefaultFonts());
        }

        if (app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.RunsApi)
        {
            app.MapJobsDashboard();
            app.MapAuthentication();
            app.MapRegisteredEndpoints();
        }

        app.CheckEndpointPolicies();
        return app;
    }
}

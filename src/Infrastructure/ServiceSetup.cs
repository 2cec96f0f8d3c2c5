using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Template.Infrastructure.Endpoints;
using Template.Infrastructure.Errors;
using Template.Infrastructure.Health;
using Template.Infrastructure.Caching;
using Template.Infrastructure.Http;
using Template.Infrastructure.Jobs;
using Template.Infrastructure.Modules;
using Template.Infrastructure.Pipeline;
using Template.Infrastructure.Redis;
using Template.Infrastructure.Security;
using Template.Infrastructure.Telemetry;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure;

/// <summary>The cross-cutting wiring Program.cs calls: one method for services, one for the HTTP pipeline.</summary>
public static class ServiceSetup
{
    public static WebApplicationBuilder AddServiceInfrastructure(this WebApplicationBuilder builder, Assembly featuresAssembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<HttpLimitsOptions>()
            .Bind(configuration.GetSection(HttpLimitsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HttpLimitsOptions>>((kestrel, http) => kestrel.Limits.MaxRequestBodySize = http.Value.MaxRequestBodyBytes);

        services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>().Configure<IOptions<HttpLimitsOptions>>((json, http) =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            // null for a member declared non-nullable is bad input (400), not a null the handler trips over.
            json.SerializerOptions.RespectNullableAnnotations = true;
            json.SerializerOptions.MaxDepth = http.Value.MaxJsonDepth;
        });
        var backends = ServiceBackends.From(configuration);
        services.AddRedisConnection(configuration, backends);
        services.AddSharedDataProtection(builder.Environment, backends);
        services.AddCaching(configuration, backends);
        services.AddJobs(configuration, backends);
        services.AddServiceTelemetry(configuration, builder.Environment, backends);
        services.AddProblemResponses();
        services.AddRequestValidation(configuration);
        services.AddServiceSecurity(configuration, builder.Environment, backends);
        services.AddRequestPipeline(featuresAssembly);
        services.AddEndpointsFrom(featuresAssembly);
        services.AddFeatureModulesFrom(featuresAssembly, configuration);
        services.TryAddSingleton(TimeProvider.System);
        var health = services.AddHealthChecks();
        if (backends.UsesRedis)
        {
            health.AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        }

        services.AddOpenApi(openApi => openApi.AddSchemaTransformer<ValidationSchemaTransformer>());
        return builder;
    }

    public static WebApplication UseServiceInfrastructure(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Localization first, so that problem responses written on the way out are in the request's language too.
        app.UseRequestLocalization();
        app.UseProblemResponses();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference();
        }

        // A worker-only instance serves health checks and nothing else.
        if (app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.RunsApi)
        {
            app.MapJobsDashboard();
            app.MapAuthentication();
            app.MapRegisteredEndpoints();
        }

        return app;
    }
}

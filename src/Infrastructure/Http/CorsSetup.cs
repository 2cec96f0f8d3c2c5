using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Http;

/// <summary>Which browser origins may call the API (<c>Cors</c> section). Empty (the default): none but the service's
/// own.</summary>
public sealed class CorsAllowListOptions
{
    public const string Section = "Cors";

    /// <summary>Origins such as <c>https://app.example.com</c>; <c>*</c> for any, which is refused with
    /// credentials.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Let those origins send cookies; only for origins that are trusted as much as the service
    /// itself.</summary>
    public bool AllowCredentials { get; set; }

    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

public static class CorsSetup
{
    /// <summary>Response headers a cross-origin script may read.</summary>
    private static readonly string[] Exposed = ["Location", "ETag", "Retry-After"];

    public static IServiceCollection AddCorsAllowList(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CorsAllowListOptions>()
            .Bind(configuration.GetSection(CorsAllowListOptions.Section))
            .Validate(c => !(c.AllowCredentials && c.AllowedOrigins.Contains("*")),
                "Cors:AllowedOrigins must list origins, not '*', while Cors:AllowCredentials is true.")
            .Validate(c => c.AllowedOrigins.TrueForAll(IsOrigin),
                "Cors:AllowedOrigins holds an entry that is not an origin such as https://app.example.com "
                + "(scheme, host and port only).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsAllowListOptions>>((cors, allowList) =>
            cors.AddDefaultPolicy(policy =>
            {
                var origins = allowList.Value.AllowedOrigins;
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. origins]);
                }

                policy.WithMethods(
                    HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
                    .WithHeaders("Authorization", "Content-Type", "Accept-Language", "If-Match", "X-XSRF-TOKEN")
                    .WithExposedHeaders(Exposed)
                    .SetPreflightMaxAge(allowList.Value.PreflightMaxAge);
                if (allowList.Value.AllowCredentials)
                {
                    policy.AllowCredentials();
                }
            }));
        return services;
    }

    public static IApplicationBuilder UseCorsAllowList(this IApplicationBuilder app)
    {
        var allowList = app.ApplicationServices.GetRequiredService<IOptions<CorsAllowListOptions>>().Value;
        return allowList.AllowedOrigins.Count > 0 ? app.UseCors() : app;
    }

    private static bool IsOrigin(string entry) =>
        entry == "*"
        || (Uri.TryCreate(entry, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && !entry.EndsWith('/'));
}

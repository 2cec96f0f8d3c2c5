using System.Collections.Immutable;
using System.Globalization;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>A registered client application.</summary>
public sealed class OAuthClient : OAuthRecord
{
    public string? ApplicationType { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? ClientType { get; set; }
    public string? ConsentType { get; set; }
    public string? DisplayName { get; set; }
    public Dictionary<string, string>? DisplayNames { get; set; }
    public string[] Permissions { get; set; } = [];
    public string[] PostLogoutRedirectUris { get; set; } = [];
    public string[] RedirectUris { get; set; } = [];
    public string[] Requirements { get; set; } = [];
    public Dictionary<string, string>? Settings { get; set; }
}

/// <summary>A scope known to the server beyond the ones registered in its options.</summary>
public sealed class OAuthScope : OAuthRecord
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, string>? Descriptions { get; set; }
    public string? DisplayName { get; set; }
    public Dictionary<string, string>? DisplayNames { get; set; }
    public string[] Resources { get; set; } = [];
}

/// <summary>Clients live in this process: every instance registers the same ones from configuration at
/// start-up.</summary>
internal sealed class OAuthClientStore([FromKeyedServices(OAuthRecordKeys.Configured)] IOAuthRecordStorage storage)
    : OAuthRecordStore<OAuthClient>(storage), IOpenIddictApplicationStore<OAuthClient>
{
    protected override string Kind => "client";

    protected override IEnumerable<string> IndexesOf(OAuthClient record)
    {
        if (record.ClientId is not null) yield return Index("client_id", record.ClientId);
        foreach (var uri in record.RedirectUris) yield return Index("redirect", uri);
        foreach (var uri in record.PostLogoutRedirectUris) yield return Index("post_logout", uri);
    }

    public async ValueTask<OAuthClient?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        await foreach (var client in FindAllAsync(
            Index("client_id", identifier), c => c.ClientId == identifier, cancellationToken).ConfigureAwait(false))
        {
            return client;
        }

        return null;
    }

    public IAsyncEnumerable<OAuthClient> FindByPostLogoutRedirectUriAsync(
        string uri, CancellationToken cancellationToken) =>
        FindAllAsync(
            Index("post_logout", uri), c => c.PostLogoutRedirectUris.Contains(uri, StringComparer.Ordinal),
            cancellationToken);

    public IAsyncEnumerable<OAuthClient> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        FindAllAsync(
            Index("redirect", uri), c => c.RedirectUris.Contains(uri, StringComparer.Ordinal), cancellationToken);

    public ValueTask<string?> GetApplicationTypeAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.ApplicationType);
    public ValueTask<string?> GetClientIdAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.ClientId);
    public ValueTask<string?> GetClientSecretAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.ClientSecret);
    public ValueTask<string?> GetClientTypeAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.ClientType);
    public ValueTask<string?> GetConsentTypeAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.ConsentType);
    public ValueTask<string?> GetDisplayNameAsync(OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => ToCultures(c.DisplayNames));

    // Clients authenticate with secrets; keys of their own (private_key_jwt) are not supported.
    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        ValueTask.FromResult<JsonWebKeySet?>(null);

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.Permissions.ToImmutableArray());
    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.PostLogoutRedirectUris.ToImmutableArray());
    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.RedirectUris.ToImmutableArray());
    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.Requirements.ToImmutableArray());
    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(
        OAuthClient application, CancellationToken cancellationToken) =>
        Read(application, c => c.Settings?.ToImmutableDictionary() ?? ImmutableDictionary<string, string>.Empty);

    public ValueTask SetApplicationTypeAsync(
        OAuthClient application, string? type, CancellationToken cancellationToken) =>
        Write(application, c => c.ApplicationType = type);
    public ValueTask SetClientIdAsync(
        OAuthClient application, string? identifier, CancellationToken cancellationToken) =>
        Write(application, c => c.ClientId = identifier);
    public ValueTask SetClientSecretAsync(
        OAuthClient application, string? secret, CancellationToken cancellationToken) =>
        Write(application, c => c.ClientSecret = secret);
    public ValueTask SetClientTypeAsync(OAuthClient application, string? type, CancellationToken cancellationToken) =>
        Write(application, c => c.ClientType = type);
    public ValueTask SetConsentTypeAsync(OAuthClient application, string? type, CancellationToken cancellationToken) =>
        Write(application, c => c.ConsentType = type);
    public ValueTask SetDisplayNameAsync(OAuthClient application, string? name, CancellationToken cancellationToken) =>
        Write(application, c => c.DisplayName = name);
    public ValueTask SetDisplayNamesAsync(
        OAuthClient application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) =>
        Write(application, c => c.DisplayNames = FromCultures(names));

    public ValueTask SetJsonWebKeySetAsync(
        OAuthClient application, JsonWebKeySet? set, CancellationToken cancellationToken) =>
        set is null ? ValueTask.CompletedTask : throw new NotSupportedException(
            "Client key sets are not supported; clients authenticate with a client secret.");

    public ValueTask SetPermissionsAsync(
        OAuthClient application, ImmutableArray<string> permissions, CancellationToken cancellationToken) =>
        Write(application, c => c.Permissions = [.. permissions]);
    public ValueTask SetPostLogoutRedirectUrisAsync(
        OAuthClient application, ImmutableArray<string> uris, CancellationToken cancellationToken) =>
        Write(application, c => c.PostLogoutRedirectUris = [.. uris]);
    public ValueTask SetRedirectUrisAsync(
        OAuthClient application, ImmutableArray<string> uris, CancellationToken cancellationToken) =>
        Write(application, c => c.RedirectUris = [.. uris]);
    public ValueTask SetRequirementsAsync(
        OAuthClient application, ImmutableArray<string> requirements, CancellationToken cancellationToken) =>
        Write(application, c => c.Requirements = [.. requirements]);
    public ValueTask SetSettingsAsync(
        OAuthClient application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken) =>
        Write(
            application,
            c => c.Settings = settings is { Count: > 0 } ? new Dictionary<string, string>(settings) : null);
}

internal sealed class OAuthScopeStore([FromKeyedServices(OAuthRecordKeys.Configured)] IOAuthRecordStorage storage)
    : OAuthRecordStore<OAuthScope>(storage), IOpenIddictScopeStore<OAuthScope>
{
    protected override string Kind => "scope";

    protected override IEnumerable<string> IndexesOf(OAuthScope record)
    {
        if (record.Name is not null) yield return Index("name", record.Name);
        foreach (var resource in record.Resources) yield return Index("resource", resource);
    }

    public async ValueTask<OAuthScope?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await foreach (var scope in FindAllAsync(
            Index("name", name), s => s.Name == name, cancellationToken).ConfigureAwait(false))
        {
            return scope;
        }

        return null;
    }

    public async IAsyncEnumerable<OAuthScope> FindByNamesAsync(
        ImmutableArray<string> names,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (await FindByNameAsync(name, cancellationToken).ConfigureAwait(false) is { } scope)
            {
                yield return scope;
            }
        }
    }

    public IAsyncEnumerable<OAuthScope> FindByResourceAsync(string resource, CancellationToken cancellationToken) =>
        FindAllAsync(
            Index("resource", resource), s => s.Resources.Contains(resource, StringComparer.Ordinal),
            cancellationToken);

    public ValueTask<string?> GetDescriptionAsync(OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => s.Description);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(
        OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => ToCultures(s.Descriptions));
    public ValueTask<string?> GetDisplayNameAsync(OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => s.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(
        OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => ToCultures(s.DisplayNames));
    public ValueTask<string?> GetNameAsync(OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => s.Name);
    public ValueTask<ImmutableArray<string>> GetResourcesAsync(OAuthScope scope, CancellationToken cancellationToken) =>
        Read(scope, s => s.Resources.ToImmutableArray());

    public ValueTask SetDescriptionAsync(OAuthScope scope, string? description, CancellationToken cancellationToken) =>
        Write(scope, s => s.Description = description);
    public ValueTask SetDescriptionsAsync(
        OAuthScope scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken cancellationToken) =>
        Write(scope, s => s.Descriptions = FromCultures(descriptions));
    public ValueTask SetDisplayNameAsync(OAuthScope scope, string? name, CancellationToken cancellationToken) =>
        Write(scope, s => s.DisplayName = name);
    public ValueTask SetDisplayNamesAsync(
        OAuthScope scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) =>
        Write(scope, s => s.DisplayNames = FromCultures(names));
    public ValueTask SetNameAsync(OAuthScope scope, string? name, CancellationToken cancellationToken) =>
        Write(scope, s => s.Name = name);
    public ValueTask SetResourcesAsync(
        OAuthScope scope, ImmutableArray<string> resources, CancellationToken cancellationToken) =>
        Write(scope, s => s.Resources = [.. resources]);
}

internal static class OAuthRecordKeys
{
    /// <summary>The in-process records of clients and scopes, read from configuration by every instance.</summary>
    public const string Configured = "oauth-configured";
}

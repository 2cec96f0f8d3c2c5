using System.Collections.Immutable;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>An issued token: authorization code, refresh token or access token entry.</summary>
public sealed class OAuthToken : OAuthRecord
{
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? ExpirationDate { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset? RedemptionDate { get; set; }
    public string? ReferenceId { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}

/// <summary>A grant a user (or client) made to a client; its tokens are revoked together.</summary>
public sealed class OAuthAuthorization : OAuthRecord
{
    public string? ApplicationId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string[] Scopes { get; set; } = [];
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}

internal sealed class OAuthTokenStore(IOAuthRecordStorage storage, TimeProvider clock)
    : OAuthRecordStore<OAuthToken>(storage), IOpenIddictTokenStore<OAuthToken>
{
    protected override string Kind => "token";

    protected override IEnumerable<string> IndexesOf(OAuthToken record)
    {
        if (record.Subject is not null) yield return Index("subject", record.Subject);
        if (record.ApplicationId is not null) yield return Index("client", record.ApplicationId);
        if (record.AuthorizationId is not null) yield return Index("authorization", record.AuthorizationId);
        if (record.ReferenceId is not null) yield return Index("reference", record.ReferenceId);
    }

    public IAsyncEnumerable<OAuthToken> FindAsync(
        string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        FindAllAsync(
            subject is null ? IOAuthRecordStorage.All : Index("subject", subject),
            t => Matches(t, subject, client, status, type), cancellationToken);

    public IAsyncEnumerable<OAuthToken> FindByApplicationIdAsync(
        string identifier, CancellationToken cancellationToken) =>
        FindAllAsync(Index("client", identifier), t => t.ApplicationId == identifier, cancellationToken);

    public IAsyncEnumerable<OAuthToken> FindByAuthorizationIdAsync(
        string identifier, CancellationToken cancellationToken) =>
        FindAllAsync(Index("authorization", identifier), t => t.AuthorizationId == identifier, cancellationToken);

    public async ValueTask<OAuthToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        await foreach (var token in FindAllAsync(
            Index("reference", identifier), t => t.ReferenceId == identifier, cancellationToken).ConfigureAwait(false))
        {
            return token;
        }

        return null;
    }

    public IAsyncEnumerable<OAuthToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAllAsync(Index("subject", subject), t => t.Subject == subject, cancellationToken);

    public ValueTask<long> RevokeAsync(
        string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindAsync(subject, client, status, type, cancellationToken), Revoke, cancellationToken);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), Revoke, cancellationToken);

    public ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindByAuthorizationIdAsync(identifier, cancellationToken), Revoke, cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindBySubjectAsync(subject, cancellationToken), Revoke, cancellationToken);

    /// <summary>Removes tokens created before <paramref name="threshold"/> that can no longer be used: expired, revoked
    /// or redeemed.</summary>
    public ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return DeleteAllAsync(
            t => ValueTask.FromResult(t.CreationDate < threshold
                && ((t.Status != Statuses.Inactive && t.Status != Statuses.Valid) || t.ExpirationDate < now)),
            cancellationToken);
    }

    public ValueTask<string?> GetApplicationIdAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.ApplicationId);
    public ValueTask<string?> GetAuthorizationIdAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.AuthorizationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.CreationDate);
    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.ExpirationDate);
    public ValueTask<string?> GetPayloadAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.Payload);
    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.RedemptionDate);
    public ValueTask<string?> GetReferenceIdAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.ReferenceId);
    public ValueTask<string?> GetStatusAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.Status);
    public ValueTask<string?> GetSubjectAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.Subject);
    public ValueTask<string?> GetTypeAsync(OAuthToken token, CancellationToken cancellationToken) =>
        Read(token, t => t.Type);

    public ValueTask SetApplicationIdAsync(OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        Write(token, t => t.ApplicationId = identifier);
    public ValueTask SetAuthorizationIdAsync(
        OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        Write(token, t => t.AuthorizationId = identifier);
    public ValueTask SetCreationDateAsync(
        OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        Write(token, t => t.CreationDate = date);
    public ValueTask SetExpirationDateAsync(
        OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        Write(token, t => t.ExpirationDate = date);
    public ValueTask SetPayloadAsync(OAuthToken token, string? payload, CancellationToken cancellationToken) =>
        Write(token, t => t.Payload = payload);
    public ValueTask SetRedemptionDateAsync(
        OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        Write(token, t => t.RedemptionDate = date);
    public ValueTask SetReferenceIdAsync(OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        Write(token, t => t.ReferenceId = identifier);
    public ValueTask SetStatusAsync(OAuthToken token, string? status, CancellationToken cancellationToken) =>
        Write(token, t => t.Status = status);
    public ValueTask SetSubjectAsync(OAuthToken token, string? subject, CancellationToken cancellationToken) =>
        Write(token, t => t.Subject = subject);
    public ValueTask SetTypeAsync(OAuthToken token, string? type, CancellationToken cancellationToken) =>
        Write(token, t => t.Type = type);

    private static bool Matches(OAuthToken token, string? subject, string? client, string? status, string? type) =>
        (subject is null || token.Subject == subject) && (client is null || token.ApplicationId == client) &&
        (status is null || token.Status == status) && (type is null || token.Type == type);

    private static bool Revoke(OAuthToken token)
    {
        if (token.Status == Statuses.Revoked)
        {
            return false;
        }

        token.Status = Statuses.Revoked;
        return true;
    }
}

internal sealed class OAuthAuthorizationStore(IOAuthRecordStorage storage, IOpenIddictTokenStore<OAuthToken> tokens)
    : OAuthRecordStore<OAuthAuthorization>(storage), IOpenIddictAuthorizationStore<OAuthAuthorization>
{
    protected override string Kind => "authorization";

    protected override IEnumerable<string> IndexesOf(OAuthAuthorization record)
    {
        if (record.Subject is not null) yield return Index("subject", record.Subject);
        if (record.ApplicationId is not null) yield return Index("client", record.ApplicationId);
    }

    public IAsyncEnumerable<OAuthAuthorization> FindAsync(
        string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes,
        CancellationToken cancellationToken) =>
        FindAllAsync(subject is null ? IOAuthRecordStorage.All : Index("subject", subject), a =>
            (subject is null || a.Subject == subject) && (client is null || a.ApplicationId == client) &&
            (status is null || a.Status == status) && (type is null || a.Type == type) &&
            (scopes is null || scopes.Value.All(a.Scopes.Contains)), cancellationToken);

    public IAsyncEnumerable<OAuthAuthorization> FindByApplicationIdAsync(
        string identifier, CancellationToken cancellationToken) =>
        FindAllAsync(Index("client", identifier), a => a.ApplicationId == identifier, cancellationToken);

    public IAsyncEnumerable<OAuthAuthorization> FindBySubjectAsync(
        string subject, CancellationToken cancellationToken) =>
        FindAllAsync(Index("subject", subject), a => a.Subject == subject, cancellationToken);

    public ValueTask<long> RevokeAsync(
        string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindAsync(subject, client, status, type, null, cancellationToken), Revoke, cancellationToken);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), Revoke, cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        ChangeAllAsync(FindBySubjectAsync(subject, cancellationToken), Revoke, cancellationToken);

    /// <summary>Removes authorizations created before <paramref name="threshold"/> that are no longer valid, and ad-hoc
    /// ones left without tokens.</summary>
    public ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken) =>
        DeleteAllAsync(async a => a.CreationDate < threshold && (a.Status != Statuses.Valid ||
            (a.Type == AuthorizationTypes.AdHoc && !await HasTokensAsync(
                a.Id, cancellationToken).ConfigureAwait(false))), cancellationToken);

    public ValueTask<string?> GetApplicationIdAsync(
        OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.ApplicationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(
        OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.CreationDate);
    public ValueTask<ImmutableArray<string>> GetScopesAsync(
        OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.Scopes.ToImmutableArray());
    public ValueTask<string?> GetStatusAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.Status);
    public ValueTask<string?> GetSubjectAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.Subject);
    public ValueTask<string?> GetTypeAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        Read(authorization, a => a.Type);

    public ValueTask SetApplicationIdAsync(
        OAuthAuthorization authorization, string? identifier, CancellationToken cancellationToken) =>
        Write(authorization, a => a.ApplicationId = identifier);
    public ValueTask SetCreationDateAsync(
        OAuthAuthorization authorization, DateTimeOffset? date, CancellationToken cancellationToken) =>
        Write(authorization, a => a.CreationDate = date);
    public ValueTask SetScopesAsync(
        OAuthAuthorization authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken) =>
        Write(authorization, a => a.Scopes = [.. scopes]);
    public ValueTask SetStatusAsync(
        OAuthAuthorization authorization, string? status, CancellationToken cancellationToken) =>
        Write(authorization, a => a.Status = status);
    public ValueTask SetSubjectAsync(
        OAuthAuthorization authorization, string? subject, CancellationToken cancellationToken) =>
        Write(authorization, a => a.Subject = subject);
    public ValueTask SetTypeAsync(
        OAuthAuthorization authorization, string? type, CancellationToken cancellationToken) =>
        Write(authorization, a => a.Type = type);

    private async ValueTask<bool> HasTokensAsync(string authorizationId, CancellationToken cancellationToken)
    {
        await foreach (var _ in tokens.FindByAuthorizationIdAsync(
            authorizationId, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    private static bool Revoke(OAuthAuthorization authorization)
    {
        if (authorization.Status == Statuses.Revoked)
        {
            return false;
        }

        authorization.Status = Statuses.Revoked;
        return true;
    }
}

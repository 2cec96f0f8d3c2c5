using System.Collections.Concurrent;
using StackExchange.Redis;
using Template.Infrastructure.Redis;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>
/// Where the authorization server keeps its records (tokens, authorizations, clients, scopes): JSON documents with a
/// version, found by id or through secondary indexes. Writes are compare-and-set on the version, which is what makes
/// authorization codes and refresh tokens single-use when two requests redeem the same one at once.
/// </summary>
internal interface IOAuthRecordStorage
{
    Task<(string Json, string Version)?> ReadAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>Writes a record when its stored version is still <paramref name="expectedVersion"/> (null: the record
    /// must not exist).</summary>
    Task<bool> WriteAsync(
        string kind, string id, string? expectedVersion, string version, string json,
        IReadOnlyCollection<string> indexes, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(
        string kind, string id, string expectedVersion, IReadOnlyCollection<string> indexes,
        CancellationToken cancellationToken);

    /// <summary>Ids listed under an index (or every id with <see cref="All"/>); may include ids whose record has since
    /// changed or gone.</summary>
    Task<IReadOnlyList<string>> IdsAsync(string kind, string index, CancellationToken cancellationToken);

    public const string All = "all";
}

/// <summary>Records held in this process: the in-memory mode, and the clients and scopes read from
/// configuration.</summary>
internal sealed class InMemoryOAuthRecords : IOAuthRecordStorage
{
    private readonly ConcurrentDictionary<(string Kind, string Id), (string Json, string Version)> records = new();
    private readonly ConcurrentDictionary<(string Kind, string Index), ConcurrentDictionary<string, byte>> indexes =
        new();
    private readonly Lock writeLock = new();

    public Task<(string Json, string Version)?> ReadAsync(
        string kind, string id, CancellationToken cancellationToken) =>
        Task.FromResult<(string, string)?>(records.TryGetValue((kind, id), out var record) ? record : null);

    public Task<bool> WriteAsync(
        string kind, string id, string? expectedVersion, string version, string json,
        IReadOnlyCollection<string> indexes, CancellationToken cancellationToken)
    {
        lock (writeLock)
        {
            var exists = records.TryGetValue((kind, id), out var current);
            if (expectedVersion is null ? exists : !exists || current.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            records[(kind, id)] = (json, version);
            foreach (var index in indexes.Append(IOAuthRecordStorage.All))
            {
                this.indexes.GetOrAdd((kind, index), _ => new()).TryAdd(id, 0);
            }

            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(
        string kind, string id, string expectedVersion, IReadOnlyCollection<string> indexes,
        CancellationToken cancellationToken)
    {
        lock (writeLock)
        {
            if (!records.TryGetValue((kind, id), out var current) || current.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            records.TryRemove((kind, id), out _);
            foreach (var index in indexes.Append(IOAuthRecordStorage.All))
            {
                if (this.indexes.TryGetValue((kind, index), out var ids))
                {
                    ids.TryRemove(id, out _);
                }
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<string>> IdsAsync(string kind, string index, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(indexes.TryGetValue((kind, index), out var ids) ? [.. ids.Keys] : []);
}

/// <summary>
/// Records in Redis, so every instance sees the same codes, refresh tokens and revocations: one hash per record
/// (<c>json</c>, <c>version</c>) and one set per index value. The version check runs inside a Redis transaction.
/// </summary>
internal sealed class RedisOAuthRecords(ServiceRedis redis) : IOAuthRecordStorage
{
    private const string JsonField = "json";
    private const string VersionField = "version";
    private readonly IDatabase database = redis.Database("oauth:");

    public async Task<(string Json, string Version)?> ReadAsync(
        string kind, string id, CancellationToken cancellationToken)
    {
        var values = await database.HashGetAsync(RecordKey(kind, id), [JsonField, VersionField]).ConfigureAwait(false);
        return values[0].IsNull || values[1].IsNull ? null : (values[0].ToString(), values[1].ToString());
    }

    public async Task<bool> WriteAsync(
        string kind, string id, string? expectedVersion, string version, string json,
        IReadOnlyCollection<string> indexes, CancellationToken cancellationToken)
    {
        var key = RecordKey(kind, id);
        var transaction = database.CreateTransaction();
        transaction.AddCondition(
            expectedVersion is null
                ? Condition.KeyNotExists(key)
                : Condition.HashEqual(key, VersionField, expectedVersion));
        _ = transaction.HashSetAsync(key, [new HashEntry(JsonField, json), new HashEntry(VersionField, version)]);
        foreach (var index in indexes.Append(IOAuthRecordStorage.All))
        {
            _ = transaction.SetAddAsync(IndexKey(kind, index), id);
        }

        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(
        string kind, string id, string expectedVersion, IReadOnlyCollection<string> indexes,
        CancellationToken cancellationToken)
    {
        var key = RecordKey(kind, id);
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual(key, VersionField, expectedVersion));
        _ = transaction.KeyDeleteAsync(key);
        foreach (var index in indexes.Append(IOAuthRecordStorage.All))
        {
            _ = transaction.SetRemoveAsync(IndexKey(kind, index), id);
        }

        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> IdsAsync(string kind, string index, CancellationToken cancellationToken)
    {
        var ids = await database.SetMembersAsync(IndexKey(kind, index)).ConfigureAwait(false);
        return [.. ids.Select(id => id.ToString())];
    }

    private static string RecordKey(string kind, string id) => $"{kind}:{id}";

    private static string IndexKey(string kind, string index) => $"{kind}:ix:{index}";
}

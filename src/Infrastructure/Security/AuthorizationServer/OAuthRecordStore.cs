using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>What every stored authorization-server record has: an id, a version for compare-and-set, free-form
/// properties.</summary>
public abstract class OAuthRecord
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");

    public string Version { get; set; } = "";

    public Dictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>
/// The part of the four OpenIddict stores that does not depend on the record type: create, read, update with a version
/// check (a lost race throws OpenIddict's concurrency exception), delete, list and LINQ queries over a snapshot.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Performance", "CA1822", Justification = "Instance members implement the OpenIddict store interfaces.")]
internal abstract class OAuthRecordStore<T>(IOAuthRecordStorage storage) where T : OAuthRecord, new()
{
    protected abstract string Kind { get; }

    /// <summary>The index values a record is listed under, e.g. <c>subject:alice</c>.</summary>
    protected abstract IEnumerable<string> IndexesOf(T record);

    protected static string Index(string name, string? value) => $"{name}:{value}";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        (await storage.IdsAsync(Kind, IOAuthRecordStorage.All, cancellationToken).ConfigureAwait(false)).Count;

    public async ValueTask<long> CountAsync<TResult>(
        Func<IQueryable<T>, IQueryable<TResult>> query, CancellationToken cancellationToken)
    {
        return query((await SnapshotAsync(cancellationToken).ConfigureAwait(false)).AsQueryable()).LongCount();
    }

    public ValueTask<T> InstantiateAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new T());

    public ValueTask CreateAsync(T record, CancellationToken cancellationToken) =>
        SaveAsync(record, expectedVersion: null, cancellationToken);

    public ValueTask UpdateAsync(T record, CancellationToken cancellationToken)
    {
        return SaveAsync(record, record.Version, cancellationToken);
    }

    public async ValueTask DeleteAsync(T record, CancellationToken cancellationToken)
    {
        if (!await storage.DeleteAsync(
            Kind, record.Id, record.Version, [.. IndexesOf(record)], cancellationToken).ConfigureAwait(false))
        {
            throw Conflict(record);
        }
    }

    public async ValueTask<T?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var stored = await storage.ReadAsync(Kind, identifier, cancellationToken).ConfigureAwait(false);
        if (stored is not { } found)
        {
            return null;
        }

        var record = JsonSerializer.Deserialize<T>(found.Json)!;
        record.Version = found.Version;
        return record;
    }

    public async IAsyncEnumerable<T> ListAsync(
        int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var records = (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).OrderBy(
            r => r.Id, StringComparer.Ordinal).Skip(offset ?? 0);
        foreach (var record in count is { } take ? records.Take(take) : records)
        {
            yield return record;
        }
    }

    public async IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<T>, TState, IQueryable<TResult>> query, TState state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var result in query(
            (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).AsQueryable(), state))
        {
            yield return result;
        }
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<T>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
    {
        return query(
            (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).AsQueryable(), state).FirstOrDefault();
    }

    public ValueTask<string?> GetIdAsync(T record, CancellationToken cancellationToken)
    {
        return ValueTask.FromResult<string?>(record.Id);
    }

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(
        T record, CancellationToken cancellationToken)
    {
        return ValueTask.FromResult(
            record.Properties?.ToImmutableDictionary() ?? ImmutableDictionary<string, JsonElement>.Empty);
    }

    public ValueTask SetPropertiesAsync(
        T record, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        record.Properties = properties is { Count: > 0 } ? new Dictionary<string, JsonElement>(properties) : null;
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes <paramref name="record"/> under a new version if the stored one is still <paramref
    /// name="expectedVersion"/> (null: a new record).</summary>
    private async ValueTask SaveAsync(T record, string? expectedVersion, CancellationToken cancellationToken)
    {
        var previous = record.Version;
        record.Version = Guid.NewGuid().ToString("N");
        if (!await storage.WriteAsync(
            Kind, record.Id, expectedVersion, record.Version, JsonSerializer.Serialize(record), [.. IndexesOf(record)],
            cancellationToken).ConfigureAwait(false))
        {
            record.Version = previous;
            throw expectedVersion is null
                ? new OpenIddictExceptions.ConcurrencyException(
                    $"A {Kind} record with the id '{record.Id}' already exists.")
                : Conflict(record);
        }
    }

    private OpenIddictExceptions.ConcurrencyException Conflict(T record) =>
        new($"The {Kind} record '{record.Id}' was changed or removed by another request.");

    /// <summary>The records listed under <paramref name="index"/> that still match it (an index may lag behind a
    /// change).</summary>
    protected async IAsyncEnumerable<T> FindAllAsync(
        string index, Func<T, bool> matches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await storage.IdsAsync(Kind, index, cancellationToken).ConfigureAwait(false))
        {
            if (await FindByIdAsync(id, cancellationToken).ConfigureAwait(false) is { } record && matches(record))
            {
                yield return record;
            }
        }
    }

    /// <summary>Applies <paramref name="change"/> to each record and saves it, re-reading and retrying a record another
    /// request changed meanwhile.</summary>
    protected async ValueTask<long> ChangeAllAsync(
        IAsyncEnumerable<T> records, Func<T, bool> change, CancellationToken cancellationToken)
    {
        long changed = 0;
        await foreach (var found in records.ConfigureAwait(false))
        {
            for (var record = found; record is not null; record = await FindByIdAsync(
                found.Id, cancellationToken).ConfigureAwait(false))
            {
                if (!change(record))
                {
                    break;
                }

                try
                {
                    await UpdateAsync(record, cancellationToken).ConfigureAwait(false);
                    changed++;
                    break;
                }
                catch (OpenIddictExceptions.ConcurrencyException)
                {
                    // Changed by another request meanwhile: read it again and re-apply the change.
                }
            }
        }

        return changed;
    }

    protected async ValueTask<long> DeleteAllAsync(
        Func<T, ValueTask<bool>> shouldDelete, CancellationToken cancellationToken)
    {
        long deleted = 0;
        await foreach (var record in FindAllAsync(
            IOAuthRecordStorage.All, _ => true, cancellationToken).ConfigureAwait(false))
        {
            if (await shouldDelete(record).ConfigureAwait(false))
            {
                try
                {
                    await DeleteAsync(record, cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
                catch (OpenIddictExceptions.ConcurrencyException)
                {
                    // Changed meanwhile (e.g. redeemed); the next prune looks at it again.
                }
            }
        }

        return deleted;
    }

    private async ValueTask<List<T>> SnapshotAsync(CancellationToken cancellationToken)
    {
        var records = new List<T>();
        await foreach (var record in FindAllAsync(
            IOAuthRecordStorage.All, _ => true, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return records;
    }

    protected static ValueTask<TValue> Read<TValue>(T record, Func<T, TValue> read)
    {
        return ValueTask.FromResult(read(record));
    }

    protected static ValueTask Write(T record, Action<T> write)
    {
        write(record);
        return ValueTask.CompletedTask;
    }

    protected static Dictionary<string, string>? FromCultures(ImmutableDictionary<CultureInfo, string> values) =>
        values is { Count: > 0 } ? values.ToDictionary(v => v.Key.Name, v => v.Value, StringComparer.Ordinal) : null;

    protected static ImmutableDictionary<CultureInfo, string> ToCultures(Dictionary<string, string>? values) =>
        values?.ToImmutableDictionary(v => CultureInfo.GetCultureInfo(v.Key), v => v.Value)
            ?? ImmutableDictionary<CultureInfo, string>.Empty;
}

namespace Template.Infrastructure.Caching;

/// <summary>
/// A query whose answer the caching behavior keeps. The key is scoped to the caller unless
/// <see cref="SharedAcrossCallers"/> says the answer is the same for everyone, so one caller's data is
/// never served to another by mistake.
/// </summary>
public interface ICachedQuery
{
    /// <summary>Identifies the answer among the caller's cached answers, e.g. <c>orders:{id}</c>.</summary>
    string CacheKey { get; }

    /// <summary>Tags a command can invalidate the answer by, e.g. <c>order:{id}</c>.</summary>
    IReadOnlyCollection<string> CacheTags { get; }

    /// <summary>How long the answer is fresh; <see langword="null"/> for <c>Cache:DefaultDuration</c>.</summary>
    TimeSpan? CacheDuration => null;

    bool SharedAcrossCallers => false;
}

/// <summary>A command whose success makes cached answers tagged with <see cref="InvalidatesCacheTags"/>
/// stale.</summary>
public interface IInvalidatesCache
{
    IReadOnlyCollection<string> InvalidatesCacheTags { get; }
}

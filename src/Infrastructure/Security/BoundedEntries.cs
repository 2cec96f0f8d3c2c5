using System.Collections.Concurrent;

namespace Template.Infrastructure.Security;

/// <summary>The bound of the token caches: when full, the expired entries go; if none has, nothing is added.</summary>
internal static class BoundedEntries
{
    public static bool HasRoom<TValue>(
        ConcurrentDictionary<string, TValue> entries, int capacity, DateTimeOffset now,
        Func<TValue, DateTimeOffset> until)
    {
        if (entries.Count < capacity)
        {
            return true;
        }

        foreach (var entry in entries)
        {
            if (until(entry.Value) <= now)
            {
                entries.TryRemove(entry);
            }
        }

        return entries.Count < capacity;
    }
}

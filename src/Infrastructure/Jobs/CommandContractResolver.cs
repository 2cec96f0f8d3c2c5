using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// Hangfire stores a queued command as JSON. Only its data is stored: computed read-only properties
/// (such as the cache tags a command invalidates) are derived again after it is read back.
/// </summary>
internal sealed class CommandContractResolver : DefaultContractResolver
{
    protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
    {
        var property = base.CreateProperty(member, memberSerialization);
        if (member is PropertyInfo { CanWrite: false })
        {
            property.ShouldSerialize = _ => false;
        }

        return property;
    }
}

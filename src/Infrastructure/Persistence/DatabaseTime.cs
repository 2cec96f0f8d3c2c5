namespace Template.Infrastructure.Persistence;

public static class DatabaseTime
{
    /// <summary>
    /// A time as both databases keep it: in UTC, to the microsecond (PostgreSQL's precision), so that what a change
    /// answers and what a later read returns agree.
    /// </summary>
    public static DateTimeOffset Stamp(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

using Microsoft.Extensions.Time.Testing;
using Template.Infrastructure.Validation.Rules;
using static Template.Tests.Infrastructure.Validation.RuleProbe;

namespace Template.Tests.Infrastructure.Validation;

public sealed class ValueRuleTests
{
    [Theory]
    [InlineData("EUR", false, true)]
    [InlineData("eur", false, false)]
    [InlineData("eur", true, true)]
    [InlineData("JPY", true, false)]
    public void In(string value, bool ignoreCase, bool valid) =>
        AssertOutcome(Check<string?>(r => r.In(["EUR", "USD"], ignoreCase), value), valid, "in");

    [Theory]
    [InlineData("guest", false, true)]
    [InlineData("admin", false, false)]
    [InlineData("ADMIN", false, true)]
    [InlineData("ADMIN", true, false)]
    public void NotIn(string value, bool ignoreCase, bool valid) =>
        AssertOutcome(Check<string?>(r => r.NotIn(["admin", "root"], ignoreCase), value), valid, "not_in");

    [Fact]
    public void In_names_the_allowed_values_in_its_message()
    {
        var result = Check<string?>(r => r.In(["EUR", "USD"]), "JPY");
        Assert.Equal("'value' must be one of: EUR, USD.", result.Errors[0].ErrorMessage);
    }

    [Theory]
    [InlineData("12.5", true)]
    [InlineData("12.50", true)]
    [InlineData("-0.01", true)]
    [InlineData("12.505", false)]
    [InlineData("0.001", false)]
    public void DecimalPlaces(string value, bool valid)
    {
        var number = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        AssertOutcome(Check<decimal>(r => r.DecimalPlaces(2), number), valid, "decimal_places");
        AssertOutcome(Check<decimal?>(r => r.DecimalPlaces(2), number), valid, "decimal_places");
    }

    [Fact]
    public void A_null_decimal_passes_decimal_places() => AssertOutcome(Check<decimal?>(r => r.DecimalPlaces(2), null), true, "decimal_places");

    [Theory]
    [InlineData("0.75", true)]
    [InlineData("0", true)]
    [InlineData("-0.5", true)]
    [InlineData("0.3", false)]
    public void MultipleOf_decimal(string value, bool valid) =>
        AssertOutcome(Check<decimal>(r => r.MultipleOf(0.25m), decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), valid, "multiple_of");

    [Theory]
    [InlineData(12, true)]
    [InlineData(0, true)]
    [InlineData(7, false)]
    [InlineData(int.MaxValue, false)]
    public void MultipleOf_int(int value, bool valid) => AssertOutcome(Check<int>(r => r.MultipleOf(6), value), valid, "multiple_of");

    [Fact]
    public void Dates_are_compared_with_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow();

        AssertOutcome(Check<DateTimeOffset?>(r => r.After(clock), now.AddSeconds(1)), true, "after");
        AssertOutcome(Check<DateTimeOffset?>(r => r.After(clock), now), false, "after");
        AssertOutcome(Check<DateTimeOffset?>(r => r.AfterOrEqual(clock), now), true, "after_or_equal");
        AssertOutcome(Check<DateTimeOffset?>(r => r.AfterOrEqual(clock), now.AddTicks(-1)), false, "after_or_equal");
        AssertOutcome(Check<DateTimeOffset?>(r => r.Before(clock, TimeSpan.FromDays(30)), now.AddDays(29)), true, "before");
        AssertOutcome(Check<DateTimeOffset?>(r => r.Before(clock, TimeSpan.FromDays(30)), now.AddDays(30)), false, "before");
        AssertOutcome(Check<DateTimeOffset?>(r => r.BeforeOrEqual(clock), now), true, "before_or_equal");
        AssertOutcome(Check<DateTimeOffset?>(r => r.BeforeOrEqual(clock), now.AddMinutes(1)), false, "before_or_equal");
        AssertOutcome(Check<DateTimeOffset?>(r => r.After(clock), null), true, "after");

        // Moving the clock moves the boundary: nothing reads the system time.
        clock.Advance(TimeSpan.FromDays(1));
        AssertOutcome(Check<DateTimeOffset?>(r => r.After(clock), now.AddHours(1)), false, "after");
        Assert.Contains("2030-01-02 12:00:00Z", Check<DateTimeOffset?>(r => r.After(clock), now).Errors[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/Argentina/Buenos_Aires", true)]
    [InlineData("UTC", true)]
    [InlineData("W. Europe Standard Time", false)]
    [InlineData("europe/berlin", false)]
    [InlineData("Mars/Olympus_Mons", false)]
    public void Timezone(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Timezone(), value), valid, "timezone");

    [Fact]
    public void Distinct_finds_duplicates_by_value_or_by_key()
    {
        AssertOutcome(Check<IEnumerable<string>?>(r => r.Distinct(), ["a", "b", "c"]), true, "distinct");
        AssertOutcome(Check<IEnumerable<string>?>(r => r.Distinct(), ["a", "b", "a"]), false, "distinct");
        AssertOutcome(Check<IEnumerable<string>?>(r => r.Distinct(), []), true, "distinct");
        AssertOutcome(Check<IEnumerable<string>?>(r => r.Distinct(), null), true, "distinct");
        AssertOutcome(Check<IEnumerable<(string Sku, int Quantity)>?>(r => r.Distinct(line => line.Sku), [("A", 1), ("B", 1)]), true, "distinct");
        AssertOutcome(Check<IEnumerable<(string Sku, int Quantity)>?>(r => r.Distinct(line => line.Sku), [("A", 1), ("A", 2)]), false, "distinct");
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(null, false)]
    public void Accepted_bool_is_a_required_kind_rule(bool? value, bool valid) =>
        AssertOutcome(Check<bool?>(r => r.Accepted(), value), valid, "accepted");

    [Theory]
    [InlineData("yes", true)]
    [InlineData("ON", true)]
    [InlineData("1", true)]
    [InlineData(" true ", true)]
    [InlineData("no", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Accepted_string(string? value, bool valid) => AssertOutcome(Check<string?>(r => r.Accepted(), value), valid, "accepted");
}

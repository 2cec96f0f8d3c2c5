using FluentValidation;
using Template.Infrastructure.Validation.Rules;
using static Template.Tests.Infrastructure.Validation.RuleProbe;

namespace Template.Tests.Infrastructure.Validation;

public sealed class StandardsRuleTests
{
    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("first.last+tag@sub.example.co.uk", true)]
    [InlineData("o'brien@example.ie", true)]
    [InlineData("user@bücher.de", true)]
    [InlineData("user@xn--bcher-kva.de", true)]
    [InlineData("a@b", false)]
    [InlineData("@example.com", false)]
    [InlineData("alice@", false)]
    [InlineData("alice@@example.com", false)]
    [InlineData("alice..bob@example.com", false)]
    [InlineData(".alice@example.com", false)]
    [InlineData("alice@-example.com", false)]
    [InlineData("alice@example.c0m", false)]
    [InlineData("alice smith@example.com", false)]
    [InlineData("ålice@example.com", false)]
    public void StrictEmail(string value, bool valid) => AssertOutcome(Check<string?>(r => r.StrictEmail(), value), valid, "email");

    [Fact]
    public void StrictEmail_limits_the_local_part_and_the_whole_address()
    {
        AssertOutcome(Check<string?>(r => r.StrictEmail(), new string('a', 64) + "@example.com"), true, "email");
        AssertOutcome(Check<string?>(r => r.StrictEmail(), new string('a', 65) + "@example.com"), false, "email");
        AssertOutcome(Check<string?>(r => r.StrictEmail(), "a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".com"), false, "email");
    }

    [Theory]
    [InlineData("+4930123456", true)]
    [InlineData("+12025550123", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+1234567890123456", false)]
    [InlineData("004930123456", false)]
    [InlineData("+0123456", false)]
    [InlineData("+49 30 123456", false)]
    public void PhoneE164(string value, bool valid) => AssertOutcome(Check<string?>(r => r.PhoneE164(), value), valid, "phone_e164");

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("XAU", true)]
    [InlineData("eur", false)]
    [InlineData("EUROS", false)]
    [InlineData("ABC", false)]
    [InlineData("DEM", false)]
    public void CurrencyCode(string value, bool valid) => AssertOutcome(Check<string?>(r => r.CurrencyCode(), value), valid, "currency");

    [Theory]
    [InlineData("DE", true)]
    [InlineData("SS", true)]
    [InlineData("de", false)]
    [InlineData("DEU", false)]
    [InlineData("UK", false)]
    [InlineData("XX", false)]
    public void CountryCode(string value, bool valid) => AssertOutcome(Check<string?>(r => r.CountryCode(), value), valid, "country");

    [Theory]
    [InlineData("en", true)]
    [InlineData("de-CH", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("es-419", true)]
    [InlineData("sl-rozaj-biske", true)]
    [InlineData("en-US-x-twain", true)]
    [InlineData("x-private", true)]
    [InlineData("e", false)]
    [InlineData("en_US", false)]
    [InlineData("en-", false)]
    [InlineData("en-averylongvariant", false)]
    [InlineData("de-12", false)]
    public void LanguageTag(string value, bool valid) => AssertOutcome(Check<string?>(r => r.LanguageTag(), value), valid, "language_tag");

    [Theory]
    [InlineData("Correct-Horse-42", null)]
    [InlineData("Sh0rt!", "password_length")]
    [InlineData("all-lower-case-42", "password_mixed_case")]
    [InlineData("No-Digits-In-Here", "password_digits")]
    [InlineData("NoSymbolsButDigits42", "password_symbols")]
    public void Password_reports_each_unmet_requirement_with_its_own_code(string value, string? code)
    {
        var result = Check<string?>(r => r.Password(minLength: 12), value);
        Assert.Equal(code is null, result.IsValid);
        if (code is not null)
        {
            Assert.Equal(code, Assert.Single(result.Errors).ErrorCode);
        }
    }

    [Fact]
    public void Password_requirements_can_be_relaxed()
    {
        Assert.True(Check<string?>(r => r.Password(minLength: 4, mixedCase: false, digits: false, symbols: false), "abcd").IsValid);
        Assert.Equal(4, Check<string?>(r => r.Password(), "tiny").Errors.Count);
    }
}

public sealed class ConditionalRuleTests
{
    static ConditionalRuleTests() => Template.Infrastructure.Validation.ValidationSetup.UseServiceConventions();

    public sealed record Shipping(string Method, string? Address, string? PickupPoint, string? Password, string? PasswordConfirmation, string? Phone, string? Email);

    private sealed class ShippingValidator : AbstractValidator<Shipping>
    {
        public ShippingValidator()
        {
            RuleFor(s => s.Address).RequiredIf(s => s.Method, "delivery");
            RuleFor(s => s.PickupPoint).RequiredUnless(s => s.Method, "delivery").ProhibitedIf(s => s.Method, "delivery");
            RuleFor(s => s.Password).Confirmed(s => s.PasswordConfirmation);
            RuleFor(s => s.Phone).RequiredWith(s => s.Email);
            RuleFor(s => s.Email).Prohibits(s => s.Password);
        }
    }

    [Fact]
    public void A_consistent_request_passes() =>
        Assert.True(new ShippingValidator().Validate(new Shipping("delivery", "Main St 1", null, "pw", "pw", null, null)).IsValid);

    [Fact]
    public void Presence_rules_follow_the_other_fields()
    {
        var result = new ShippingValidator().Validate(new Shipping("delivery", " ", "Kiosk 4", "pw", "other", null, "a@example.com"));
        var codes = result.Errors.Select(e => (e.PropertyName, e.ErrorCode)).ToList();
        Assert.Contains(("Address", "required_if"), codes);
        Assert.Contains(("PickupPoint", "prohibited_if"), codes);
        Assert.Contains(("Password", "confirmed"), codes);
        Assert.Contains(("Phone", "required_with"), codes);
        Assert.Contains(("Email", "prohibits"), codes);
        Assert.Equal("'address' is required when method is delivery.", result.Errors.First(e => e.ErrorCode == "required_if").ErrorMessage);
        Assert.Equal("'email' prohibits password from being present.", result.Errors.First(e => e.ErrorCode == "prohibits").ErrorMessage);
    }

    [Fact]
    public void Required_unless_applies_when_the_other_field_differs()
    {
        var result = new ShippingValidator().Validate(new Shipping("pickup", null, null, null, null, null, null));
        Assert.Equal("required_unless", Assert.Single(result.Errors).ErrorCode);
        Assert.True(new ShippingValidator().Validate(new Shipping("pickup", null, "Kiosk 4", null, null, null, null)).IsValid);
    }
}

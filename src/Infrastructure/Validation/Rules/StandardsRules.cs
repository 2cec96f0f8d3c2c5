using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>Rules for values defined by standards: e-mail, E.164, ISO 4217, ISO 3166, BCP 47, and passwords.</summary>
public static partial class StandardsRules
{
    // Checks values and is shown in the OpenAPI document.
    private const string E164Regex = "^\\+[1-9][0-9]{1,14}$";

    /// <summary>
    /// A deliverable-looking address, stricter than FluentValidation's "contains an @": a dot-atom local part of
    /// at most 64 characters, a domain of dot-separated labels (internationalized names allowed) with a
    /// top-level domain of letters, 254 characters at most.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> StrictEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("email", IsStrictEmail, format: "email"));

    /// <summary>A phone number in E.164 form: <c>+</c>, a country code, at most 15 digits in all.</summary>
    public static IRuleBuilderOptions<T, string?> PhoneE164<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("phone_e164", v => E164Pattern().IsMatch(v), pattern: E164Regex));

    /// <summary>An active ISO 4217 currency code in upper case (<c>EUR</c>).</summary>
    public static IRuleBuilderOptions<T, string?> CurrencyCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("currency", IsoCodes.Currencies.Contains, pattern: "^[A-Z]{3}$"));

    /// <summary>An assigned ISO 3166-1 alpha-2 country code in upper case (<c>DE</c>).</summary>
    public static IRuleBuilderOptions<T, string?> CountryCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("country", IsoCodes.Countries.Contains, pattern: "^[A-Z]{2}$"));

    /// <summary>A well-formed BCP 47 language tag (<c>en</c>, <c>de-CH</c>, <c>zh-Hant-TW</c>,
    /// <c>es-419</c>).</summary>
    public static IRuleBuilderOptions<T, string?> LanguageTag<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("language_tag", v => LanguageTagPattern().IsMatch(v)));

    /// <summary>
    /// A password policy, each requirement with its own code: <c>password_length</c>, <c>password_mixed_case</c>,
    /// <c>password_digits</c>, <c>password_symbols</c>.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> Password<T>(
        this IRuleBuilder<T, string?> rule, int minLength = 12, bool mixedCase = true, bool digits = true,
        bool symbols = true)
    {
        var options = rule.SetValidator(new StringRule<T>(
            "password_length", v => v.Length >= minLength, new Dictionary<string, object> { ["Min"] = minLength }));
        if (mixedCase)
        {
            options = options.SetValidator(new StringRule<T>(
                "password_mixed_case", v => v.Any(char.IsUpper) && v.Any(char.IsLower)));
        }

        if (digits)
        {
            options = options.SetValidator(new StringRule<T>("password_digits", v => v.Any(char.IsDigit)));
        }

        if (symbols)
        {
            options = options.SetValidator(new StringRule<T>(
                "password_symbols", v => v.Any(c => !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c))));
        }

        return options;
    }

    private static bool IsStrictEmail(string value)
    {
        if (value.Length > 254)
        {
            return false;
        }

        var at = value.LastIndexOf('@');
        if (at <= 0 || at > 64 || at == value.Length - 1)
        {
            return false;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        if (!LocalPartPattern().IsMatch(local))
        {
            return false;
        }

        try
        {
            domain = new IdnMapping().GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var labels = domain.Split('.');
        return labels.Length >= 2
            && labels.All(l => DomainLabelPattern().IsMatch(l))
            && TopLevelPattern().IsMatch(labels[^1]);
    }

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex LocalPartPattern();

    [GeneratedRegex("^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")]
    private static partial Regex DomainLabelPattern();

    [GeneratedRegex("^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")]
    private static partial Regex TopLevelPattern();

    [GeneratedRegex(E164Regex)]
    private static partial Regex E164Pattern();

    // RFC 5646 well-formedness: language (2–3 letters with up to three extlangs, or 4–8 letters), script,
    // region, variants, extensions and private use; or a private-use tag alone.
    [GeneratedRegex(
        "^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
        + "(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
        + "(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
        + "|[xX](?:-[A-Za-z0-9]{1,8})+)$")]
    private static partial Regex LanguageTagPattern();
}

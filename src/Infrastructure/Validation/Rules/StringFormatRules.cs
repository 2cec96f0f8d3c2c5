using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>Format rules for strings: identifiers, URLs, character classes, affixes, JSON, network addresses,
/// encodings.</summary>
public static partial class StringFormatRules
{
    // Each pattern both checks values and is shown in the OpenAPI document.
    private const string UlidRegex = "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$";
    private const string SlugRegex = "^[a-z0-9]+(?:-[a-z0-9]+)*$";
    private const string MacAddressRegex = "^[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\\1){4}[0-9A-Fa-f]{2}$";
    private const string HexColorRegex = "^#(?:[0-9A-Fa-f]{3,4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$";

    /// <summary>A UUID in its canonical 8-4-4-4-12 hexadecimal form (braces and other forms are refused).</summary>
    public static IRuleBuilderOptions<T, string?> Uuid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>(
            "uuid", v => v.Length == 36 && Guid.TryParseExact(v, "D", out _), format: "uuid"));

    /// <summary>A ULID: 26 characters of Crockford base32, first character 0–7.</summary>
    public static IRuleBuilderOptions<T, string?> Ulid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("ulid", v => UlidPattern().IsMatch(v), pattern: UlidRegex));

    /// <summary>An absolute URL with a host, whose scheme is one of <paramref name="schemes"/> (http and https by
    /// default).</summary>
    public static IRuleBuilderOptions<T, string?> Url<T>(this IRuleBuilder<T, string?> rule, params string[] schemes)
    {
        var allowed = schemes.Length > 0 ? schemes : ["http", "https"];
        return rule.SetValidator(new StringRule<T>(
            "url",
            v => Uri.TryCreate(v, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
                && allowed.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) && !v.Any(char.IsWhiteSpace),
            new Dictionary<string, object> { ["Schemes"] = string.Join(", ", allowed) },
            format: "uri"));
    }

    /// <summary>Lower-case ASCII letters and digits in words joined by single dashes (<c>my-first-post</c>).</summary>
    public static IRuleBuilderOptions<T, string?> Slug<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("slug", v => SlugPattern().IsMatch(v), pattern: SlugRegex));

    /// <summary>Letters only, in any script (<c>Zoë</c>, <c>Łódź</c>, <c>東京</c>).</summary>
    public static IRuleBuilderOptions<T, string?> Alpha<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("alpha", v => v.EnumerateRunes().All(Rune.IsLetter)));

    /// <summary>Letters and digits only, in any script.</summary>
    public static IRuleBuilderOptions<T, string?> AlphaNumeric<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("alpha_num", v => v.EnumerateRunes().All(r => Rune.IsLetterOrDigit(r))));

    /// <summary>Letters, digits, dashes and underscores only.</summary>
    public static IRuleBuilderOptions<T, string?> AlphaDash<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>(
            "alpha_dash", v => v.EnumerateRunes().All(r => Rune.IsLetterOrDigit(r) || r.Value is '-' or '_')));

    /// <summary>7-bit ASCII characters only.</summary>
    public static IRuleBuilderOptions<T, string?> Ascii<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("ascii", v => v.All(char.IsAscii)));

    /// <summary>No upper-case letter (digits and symbols are allowed).</summary>
    public static IRuleBuilderOptions<T, string?> Lowercase<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("lowercase", v => !v.Any(char.IsUpper)));

    /// <summary>No lower-case letter (digits and symbols are allowed).</summary>
    public static IRuleBuilderOptions<T, string?> Uppercase<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("uppercase", v => !v.Any(char.IsLower)));

    /// <summary>Starts with one of <paramref name="prefixes"/> (ordinal, case-sensitive).</summary>
    public static IRuleBuilderOptions<T, string?> StartsWith<T>(
        this IRuleBuilder<T, string?> rule, params string[] prefixes) =>
        rule.SetValidator(Affix<T>(
            "starts_with", v => prefixes.Any(p => v.StartsWith(p, StringComparison.Ordinal)), prefixes));

    /// <summary>Starts with none of <paramref name="prefixes"/>.</summary>
    public static IRuleBuilderOptions<T, string?> DoesntStartWith<T>(
        this IRuleBuilder<T, string?> rule, params string[] prefixes) =>
        rule.SetValidator(Affix<T>(
            "doesnt_start_with", v => !prefixes.Any(p => v.StartsWith(p, StringComparison.Ordinal)), prefixes));

    /// <summary>Ends with one of <paramref name="suffixes"/>.</summary>
    public static IRuleBuilderOptions<T, string?> EndsWith<T>(
        this IRuleBuilder<T, string?> rule, params string[] suffixes) =>
        rule.SetValidator(Affix<T>(
            "ends_with", v => suffixes.Any(s => v.EndsWith(s, StringComparison.Ordinal)), suffixes));

    /// <summary>Ends with none of <paramref name="suffixes"/>.</summary>
    public static IRuleBuilderOptions<T, string?> DoesntEndWith<T>(
        this IRuleBuilder<T, string?> rule, params string[] suffixes) =>
        rule.SetValidator(Affix<T>(
            "doesnt_end_with", v => !suffixes.Any(s => v.EndsWith(s, StringComparison.Ordinal)), suffixes));

    /// <summary>A well-formed JSON document (any JSON value).</summary>
    public static IRuleBuilderOptions<T, string?> Json<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("json", IsJson));

    /// <summary>An IPv4 address in dotted-decimal form or an IPv6 address.</summary>
    public static IRuleBuilderOptions<T, string?> IpAddress<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("ip", v => IsIPv4(v) || IsIPv6(v)));

    /// <summary>An IPv4 address in dotted-decimal form (<c>192.168.0.1</c>; <c>1.2.3</c> and leading zeros are
    /// refused).</summary>
    public static IRuleBuilderOptions<T, string?> IpV4Address<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("ipv4", IsIPv4, format: "ipv4"));

    /// <summary>An IPv6 address (<c>2001:db8::1</c>).</summary>
    public static IRuleBuilderOptions<T, string?> IpV6Address<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("ipv6", IsIPv6, format: "ipv6"));

    /// <summary>A 48-bit MAC address: six pairs of hex digits separated by <c>:</c> or <c>-</c>.</summary>
    public static IRuleBuilderOptions<T, string?> MacAddress<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("mac_address", v => MacPattern().IsMatch(v), pattern: MacAddressRegex));

    /// <summary>Exactly <paramref name="length"/> ASCII digits.</summary>
    public static IRuleBuilderOptions<T, string?> Digits<T>(this IRuleBuilder<T, string?> rule, int length) =>
        rule.SetValidator(new StringRule<T>(
            "digits",
            v => v.Length == length && v.All(char.IsAsciiDigit),
            new Dictionary<string, object> { ["Length"] = length },
            pattern: $"^[0-9]{{{length}}}$"));

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> ASCII digits.</summary>
    public static IRuleBuilderOptions<T, string?> DigitsBetween<T>(
        this IRuleBuilder<T, string?> rule, int min, int max) =>
        rule.SetValidator(new StringRule<T>(
            "digits_between", v => v.Length >= min && v.Length <= max
                && v.All(char.IsAsciiDigit), new Dictionary<string, object> { ["Min"] = min, ["Max"] = max }));

    /// <summary>A colour as <c>#rgb</c>, <c>#rgba</c>, <c>#rrggbb</c> or <c>#rrggbbaa</c>.</summary>
    public static IRuleBuilderOptions<T, string?> HexColor<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>("hex_color", v => HexColorPattern().IsMatch(v), pattern: HexColorRegex));

    /// <summary>Standard base64 with correct padding.</summary>
    public static IRuleBuilderOptions<T, string?> Base64<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new StringRule<T>(
            "base64", v => v.Length % 4 == 0 && Convert.TryFromBase64String(v, new byte[v.Length], out _)));

    private static StringRule<T> Affix<T>(string code, Func<string, bool> isValid, string[] affixes) =>
        new(code, isValid, new Dictionary<string, object> { ["Values"] = string.Join(", ", affixes) });

    private static bool IsJson(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsIPv4(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p =>
            p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsIPv6(string value) =>
        value.Contains(':', StringComparison.Ordinal)
        && System.Net.IPAddress.TryParse(value, out var address)
        && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    [GeneratedRegex(UlidRegex)]
    private static partial Regex UlidPattern();

    [GeneratedRegex(SlugRegex)]
    private static partial Regex SlugPattern();

    [GeneratedRegex(MacAddressRegex)]
    private static partial Regex MacPattern();

    [GeneratedRegex(HexColorRegex)]
    private static partial Regex HexColorPattern();
}

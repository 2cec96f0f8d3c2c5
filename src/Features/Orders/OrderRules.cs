using FluentValidation;
using Template.Infrastructure.Validation.Rules;

namespace Template.Features.Orders;

/// <summary>
/// The Orders area's own validation rules, written as docs/validation.md describes: a rule class whose
/// Name is its error code, an extension method, and messages per culture (<see cref="OrderMessages"/>).
/// </summary>
public static class OrderRules
{
    /// <summary>A SKU: <paramref name="minLength"/> to <paramref name="maxLength"/> upper-case letters, digits or
    /// dashes.</summary>
    public static IRuleBuilderOptions<T, string?> Sku<T>(
        this IRuleBuilder<T, string?> rule, int minLength = 3, int maxLength = 32) =>
        rule.SetValidator(new SkuRule<T>(minLength, maxLength));

    /// <summary>A SKU the catalog knows; asked asynchronously, with the request's cancellation.</summary>
    public static IRuleBuilderOptions<T, string?> InCatalog<T>(
        this IRuleBuilder<T, string?> rule, IProductCatalog catalog) =>
        rule.SetAsyncValidator(new InCatalogRule<T>(catalog));
}

/// <summary>Sync rule with parameters in its message: <c>{Min}</c> and <c>{Max}</c>.</summary>
public sealed class SkuRule<T>(int minLength, int maxLength) : ServiceRule<T, string?>, ISchemaHint
{
    public override string Name => "sku";

    // Shown in the OpenAPI document as the field's pattern.
    public string? Format => null;

    public string? Pattern => $"^[A-Z0-9-]{{{minLength},{maxLength}}}$";

    protected override bool Check(ValidationContext<T> context, string? value)
    {
        context.MessageFormatter.AppendArgument("Min", minLength).AppendArgument("Max", maxLength);
        return value!.Length >= minLength && value.Length <= maxLength
            && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-');
    }
}

/// <summary>Async rule using a service the validator received from DI.</summary>
public sealed class InCatalogRule<T>(IProductCatalog catalog) : LocalizedAsyncRule<T, string?>
{
    public override string Name => "sku_in_catalog";

    public override async Task<bool> IsValidAsync(
        ValidationContext<T> context, string? value, CancellationToken cancellation) =>
        string.IsNullOrEmpty(value) || await catalog.ExistsAsync(value, cancellation);

}

/// <summary>Messages of the Orders rules and the area's field names, in every shipped culture.</summary>
public static class OrderMessages
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Rules =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["en"] = new Dictionary<string, string>
            {
                ["max_total_quantity"] = "The quantities of all lines together must not exceed {Max}.",
                ["sku"] = "'{PropertyName}' must be {Min} to {Max} upper-case letters, digits or dashes.",
                ["sku_in_catalog"] = "'{PropertyName}' is not in the catalog.",
            },
            ["de"] = new Dictionary<string, string>
            {
                ["max_total_quantity"] = "Die Mengen aller Positionen zusammen dürfen {Max} nicht übersteigen.",
                ["sku"] =
                    "'{PropertyName}' muss aus {Min} bis {Max} Großbuchstaben, Ziffern oder Bindestrichen bestehen.",
                ["sku_in_catalog"] = "'{PropertyName}' ist nicht im Katalog.",
            },
            ["fr"] = new Dictionary<string, string>
            {
                ["max_total_quantity"] = "Les quantités de toutes les lignes ne doivent pas dépasser {Max} au total.",
                ["sku"] = "'{PropertyName}' doit comporter de {Min} à {Max} majuscules, chiffres ou tirets.",
                ["sku_in_catalog"] = "'{PropertyName}' ne figure pas dans le catalogue.",
            },
            ["es"] = new Dictionary<string, string>
            {
                ["max_total_quantity"] = "Las cantidades de todas las líneas no pueden superar {Max} en total.",
                ["sku"] = "'{PropertyName}' debe tener de {Min} a {Max} mayúsculas, dígitos o guiones.",
                ["sku_in_catalog"] = "'{PropertyName}' no está en el catálogo.",
            },
        };

    /// <summary>Field names as shown in messages; English uses the JSON names.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FieldNames =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["de"] = new Dictionary<string, string>
            {
                ["customerEmail"] = "E-Mail-Adresse", ["currency"] = "Währung", ["lines"] = "Positionen",
                ["sku"] = "Artikelnummer", ["quantity"] = "Menge", ["note"] = "Notiz",
            },
            ["fr"] = new Dictionary<string, string>
            {
                ["customerEmail"] = "adresse e-mail", ["currency"] = "devise", ["lines"] = "lignes",
                ["sku"] = "référence", ["quantity"] = "quantité", ["note"] = "note",
            },
            ["es"] = new Dictionary<string, string>
            {
                ["customerEmail"] = "correo electrónico", ["currency"] = "moneda", ["lines"] = "líneas",
                ["sku"] = "referencia", ["quantity"] = "cantidad", ["note"] = "nota",
            },
        };
}

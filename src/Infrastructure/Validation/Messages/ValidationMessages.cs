using System.Globalization;
using FluentValidation.Resources;

namespace Template.Infrastructure.Validation.Messages;

/// <summary>
/// FluentValidation's own translations plus the added rules' messages in every shipped culture. Adding a
/// culture is adding one dictionary (copy <see cref="English"/>) and one line in <see cref="Cultures"/>.
/// </summary>
public sealed class ValidationMessages : LanguageManager
{
    /// <summary>The cultures whose messages ship with the service, by their neutral name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Cultures =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["en"] = English.Messages,
            ["de"] = German.Messages,
            ["fr"] = French.Messages,
            ["es"] = Spanish.Messages,
        };

    public ValidationMessages()
    {
        foreach (var (culture, messages) in Cultures)
        {
            foreach (var (key, message) in messages)
            {
                AddTranslation(culture, key, message);
            }
        }
    }

    /// <summary>"first message (and N more errors)" in the current UI culture.</summary>
    public string Summarise(string first, int others) => others switch
    {
        0 => first,
        1 => string.Format(CultureInfo.CurrentCulture, GetString("summary.one_more"), first),
        _ => string.Format(CultureInfo.CurrentCulture, GetString("summary.more"), first, others),
    };
}

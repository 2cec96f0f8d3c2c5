using Microsoft.Extensions.Options;

namespace Template.Infrastructure;

/// <summary>
/// One configuration section bound to its options class and validated at start-up by the validator the options
/// source generator writes from the class's data annotations; every message names the key (<c>Http:MaxJsonDepth</c>).
/// </summary>
public static class Settings
{
    public static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(
        this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new KeyNamingValidator<TOptions>(new TValidator(), section));
        return services.AddOptionsWithValidateOnStart<TOptions>().BindConfiguration(section);
    }

    // The generated validator names a member "<name>.<Member>"; given the section as the name, that is the key.
    private sealed class KeyNamingValidator<TOptions>(IValidateOptions<TOptions> generated, string section)
        : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var result = generated.Validate(section, options);
            return result.Failed
                ? ValidateOptionsResult.Fail(result.Failures.Select(
                    f => f.Replace(section + ".", section + ":", StringComparison.Ordinal)))
                : result;
        }
    }
}

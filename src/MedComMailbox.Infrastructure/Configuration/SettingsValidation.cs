using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Configuration;

public static class SettingsValidation
{
    /// <summary>
    /// Like <c>ValidateDataAnnotations()</c>, but each failure is the options class's own sentence (which names the
    /// setting path) rather than wrapped in "DataAnnotation validation failed for … members …", and the class's
    /// <see cref="IValidatableObject"/> rules run even when an attribute already failed, so one start shows every problem.
    /// </summary>
    public static OptionsBuilder<T> ValidateSettings<T>(this OptionsBuilder<T> builder) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new SentenceValidation<T>(builder.Name));
        return builder;
    }

    /// <summary>The failure sentences of one options object (attributes and <see cref="IValidatableObject"/>), for tests and the CLI.</summary>
    public static IReadOnlyList<string> Problems(object options)
    {
        var results = new List<ValidationResult>();
        var context = new ValidationContext(options);
        var valid = Validator.TryValidateObject(options, context, results, validateAllProperties: true);
        if (!valid && options is IValidatableObject validatable && results.Count > 0)
        {
            // The validator stops before the class-level rules when a property fails; run them too.
            results.AddRange(validatable.Validate(context));
        }

        return results.Select(r => r.ErrorMessage ?? $"{options.GetType().Name}: invalid.").Distinct().ToList();
    }

    private sealed class SentenceValidation<T>(string? name) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = Problems(options);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

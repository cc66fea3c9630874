using System.Reflection;
using Firely.Fhir.Validation;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace MedComMailbox.MedCom.Fhir.Profiles;

#pragma warning disable ExperimentalApi // ValidationState, SchemaReferenceValidator, IValidatable: Firely marks them experimental.

/// <summary>
/// Runs one validation the way Firely's <see cref="Validator.Validate(Resource, string?)"/> does, except that the
/// compiled FHIRPath of slice discriminators (<c>url</c>, <c>system</c>, <c>extension('…').value.code</c>) is kept
/// across messages. Firely 3.6 keeps them in the run's own state: every call built a new FHIRPath compiler with its
/// symbol table and parsed each discriminator path again, about 1.5 MB and 2–3 ms of a 10 kB referral
/// (docs/adr/0018). The compiled expressions are immutable and the cache is thread-safe, so one is shared.
/// <para>The run's state field and Firely's report clean-up are internal; they are found by reflection once. Should a
/// Firely version rename them, <see cref="SharesCompiledPaths"/> is false and every message is validated by
/// <see cref="Validator.Validate(Resource, string?)"/> as before (slower, never less): a test asserts it is true.</para>
/// </summary>
internal static class SharedPathValidationRun
{
    private static readonly FhirPathCompilerCache DiscriminatorPaths =
        new(new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()), cacheSize: 5000);

    private static readonly PropertyInfo? GlobalState =
        typeof(ValidationState).GetProperty("Global", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly PropertyInfo? PathCache =
        GlobalState?.PropertyType.GetProperty("FPCompilerCache", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static readonly Func<ResultReport, ResultReport>? CleanUp = FindCleanUp();

    /// <summary>Whether this Firely version lets the compiled discriminator paths be shared (else: plain Validate).</summary>
    public static bool SharesCompiledPaths => GlobalState?.GetMethod is not null && PathCache?.SetMethod is not null && CleanUp is not null;

    public static OperationOutcome Validate(Validator validator, ValidationSettings settings, Resource instance, string profile)
    {
        if (!SharesCompiledPaths)
        {
            return validator.Validate(instance, profile);
        }

        var state = new ValidationState();
        PathCache!.SetValue(GlobalState!.GetValue(state), DiscriminatorPaths);
        IValidatable schema = new SchemaReferenceValidator(profile);
        var report = schema.Validate(instance.ToPocoNode(settings.ModelInspector), settings, state);
        return CleanUp!(report).ToOperationOutcome();
    }

    private static Func<ResultReport, ResultReport>? FindCleanUp()
    {
        var method = typeof(AssertionToOperationOutcomeExtensions).GetMethod(
            "CleanUp", BindingFlags.Static | BindingFlags.NonPublic, [typeof(ResultReport)]);
        return method is not null && method.ReturnType == typeof(ResultReport)
            ? method.CreateDelegate<Func<ResultReport, ResultReport>>()
            : null;
    }
}

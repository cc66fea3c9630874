using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// Validates a MedCom message against MedCom's published profiles with Firely's validator (Firely.Fhir.Validation.R4),
/// offline: the profiles come from the packages the library embeds (<see cref="MedComPackageSource"/>), the base
/// specification from a carried subset of it (<see cref="CoreSpecificationSource"/>). Built once per process and shared: the validator compiles each
/// profile to an element schema the first time it meets it and keeps it, so <see cref="Warm"/> at start moves that
/// cost out of the first message. Which findings reject and which only warn is decided in
/// <see cref="ProfileFindings"/> (docs/adr/0012-profile-validation.md).
/// </summary>
public sealed class MedComProfileValidator
{
    public const string CareCommunicationBundleProfile = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/medcom-careCommunication-message";
    public const string AcknowledgementBundleProfile = "http://medcomfhir.dk/ig/acknowledgement/StructureDefinition/medcom-messaging-acknowledgement";

    private static readonly Lazy<MedComProfileValidator> SharedInstance = new(() => new MedComProfileValidator(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Built _careCommunication;
    private readonly Built _acknowledgement;

    private MedComProfileValidator()
        : this(new CoreSpecificationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip")))
    {
    }

    /// <summary>A validator of its own over the given base specification (tests: to see what it was asked).</summary>
    internal MedComProfileValidator(CoreSpecificationSource core)
    {
        _careCommunication = Build(MedComPackageSource.CareCommunication, core);
        _acknowledgement = Build(MedComPackageSource.Acknowledgement, core);
    }

    /// <summary>The one validator of the process (the compiled schemas are its cache).</summary>
    public static MedComProfileValidator Shared => SharedInstance.Value;

    /// <summary>Validates the bundle against the profile of its kind; the findings, already classified.</summary>
    public IReadOnlyList<MedComIssue> Validate(Bundle bundle, MedComMessageKind kind)
    {
        var (built, profile) = kind switch
        {
            MedComMessageKind.CareCommunication => (_careCommunication, CareCommunicationBundleProfile),
            MedComMessageKind.Acknowledgement => (_acknowledgement, AcknowledgementBundleProfile),
            _ => (null, (string?)null),
        };
        if (built is null || profile is null)
        {
            return [];
        }

        // What is left out, and why it cannot fail for such a bundle: SkippedAssertions, docs/adr/0018.
        var settings = SkippedAssertions.AreVacuous(bundle) ? built.Lean : built.Full;
        var outcome = SharedPathValidationRun.Validate(built.Validator, settings, bundle, profile);
        return ProfileFindings.Classify(outcome);
    }

    /// <summary>Compiles the schemas now (one built-in message of each kind), not on the first message received.</summary>
    public void Warm()
    {
        foreach (var (bundle, kind) in WarmUpMessages.All())
        {
            Validate(bundle, kind);
        }
    }

    private static Built Build(MedComPackageSource packages, IAsyncResourceResolver core)
    {
        var resolver = new CachedResolver(new MultiResolver(packages, core, new MissingExtensionSource(core)));
        // Only value sets the packages carry are expanded locally; anything else (SNOMED CT, hl7.terminology) is
        // not available offline and is not checked (ProfileFindings drops "value set not found").
        var terminology = new LocalTerminologyService(resolver, new ValueSetExpanderSettings { ValueSetSource = resolver, MaxExpansionSize = 2000 });
        // What Validator's constructor would fill in (the cached schema resolver, the model) is set here, so that
        // SharedPathValidationRun uses the same settings, and the same compiled schemas, as the Validator it falls
        // back to.
#pragma warning disable ExperimentalApi // Firely marks the schema resolver experimental.
        var schemas = StructureDefinitionToElementSchemaResolver.CreatedCached(resolver);
#pragma warning restore ExperimentalApi
        var settings = new ValidationSettings(schemas, terminology)
        {
            ModelInspector = ModelInfo.ModelInspector,
            ConformanceResourceResolver = resolver,
            // Extensions outside MedCom's packages (hl7.fhir.uv.extensions) are not carried: warn, not reject.
            FollowExtensionUrl = (_, _) => ExtensionUrlHandling.WarnIfMissing,
        };
        settings.ExcludeFilters.Add(SkippedAssertions.Always);
        // A record copy shares the services (and the compiled schemas) but has its own filter lists.
        var lean = settings with { };
        lean.ExcludeFilters.Add(SkippedAssertions.VacuousInvariant);
        return new Built(new Validator(resolver, terminology, null, settings), settings, lean);
    }

    /// <summary>One profile's validator; the settings with every invariant, and those without the vacuous ones.</summary>
    private sealed record Built(Validator Validator, ValidationSettings Full, ValidationSettings Lean);
}

namespace MedComMailbox.Core.Letters;

/// <summary>
/// The pilot's letters in Danish, used when a municipality configures none. They are a starting point:
/// every municipality is expected to adapt them (configuration section <c>Letters</c>).
/// </summary>
public static class DefaultLetters
{
    public static IReadOnlyDictionary<LetterKind, (string Title, string Text)> Templates { get; } = new Dictionary<LetterKind, (string, string)>
    {
        [LetterKind.GpReceipt] = ("Kvittering for henvendelse",
            "Tak for din henvendelse af {{receivedDate}} om {{childName}} til {{committee}}.\n" +
            "Forældremyndighedsindehaverne modtager inden for kort tid en anmodning om samtykke i Digital Post. " +
            "Når samtykket foreligger, behandles sagen på udvalgets næste møde, senest 8 arbejdsdage efter samtykket.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
        [LetterKind.ConsentRequest] = ("Anmodning om samtykke",
            "Kære {{recipientName}}\n\n" +
            "{{municipality}} har modtaget en henvendelse fra {{gpName}} om {{childName}} ({{childCpr}}).\n" +
            "Formålet er en helhedsorienteret vurdering af, hvad barnet og familien har brug for. " +
            "Kommunen må ikke se på sagen uden jeres samtykke. Samtykket gælder i højst et år og kan altid trækkes tilbage.\n\n" +
            "Giv eller afslå samtykke senest {{deadline}} her: {{consentLink}}\n\n" +
            "Hvis I ikke giver samtykke, sker der ikke mere. Det er et tilbud.\n\n" +
            "Med venlig hilsen\n{{committee}}"),
        [LetterKind.ConsentReminder] = ("Påmindelse om samtykke",
            "Kære {{recipientName}}\n\n" +
            "Vi har endnu ikke modtaget jeres svar om samtykke vedrørende {{childName}}. " +
            "Fristen er forlænget til {{deadline}}. Svar her: {{consentLink}}\n\n" +
            "Med venlig hilsen\n{{committee}}"),
        [LetterKind.ClosedNoConsent] = ("Sagen er afsluttet",
            "Kære {{recipientName}}\n\n" +
            "Da vi ikke har modtaget samtykke, er henvendelsen om {{childName}} afsluttet. " +
            "I er altid velkomne til at kontakte os igen.\n\n" +
            "Med venlig hilsen\n{{committee}}"),
        [LetterKind.Decision] = ("Referat fra koordinationsudvalget",
            "Kære {{recipientName}}\n\n" +
            "{{committee}} har på mødet {{meetingDate}} drøftet {{childName}}.\n\n" +
            "Beslutning: {{outcome}}\nIndsatsansvarlig: {{responsibleParty}}\n\n{{summary}}\n\n" +
            "Den indsatsansvarlige indkalder til et opstartsmøde inden for 4 uger.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
        [LetterKind.CourseMeeting] = ("Tid og sted for næste møde",
            "Kære {{recipientName}}\n\n" +
            "Der er nu aftalt {{meetingKind}} om {{childName}}.\n\n" +
            "Tid: {{meetingTime}}\nSted: {{meetingPlace}}\n\n" +
            "{{responsibleParty}} har ansvaret for forløbet og holder mødet. Kan I ikke komme, så kontakt {{responsibleParty}} så hurtigt som muligt.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
        [LetterKind.ConsentStopped] = ("Sagen er standset",
            "Kære {{recipientName}}\n\n" +
            "Samtykket til, at {{committee}} behandler henvendelsen om {{childName}}, er afslået eller trukket tilbage. " +
            "Sagen er derfor standset, og kommunen behandler ikke oplysningerne i den videre. " +
            "Er et forløb allerede i gang, får den indsatsansvarlige også besked.\n\n" +
            "I er altid velkomne til at kontakte os igen.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
    };

    public static LetterTemplate Get(LetterKind kind) => LetterTemplate.Create(kind, Templates[kind].Title, Templates[kind].Text);
}

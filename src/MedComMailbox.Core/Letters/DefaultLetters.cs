namespace MedComMailbox.Core.Letters;

/// <summary>
/// The pilot's letters in Danish, used when a municipality configures none. They are a starting point:
/// every municipality is expected to adapt them (configuration section <c>Letters</c>). The parents' letters speak to
/// the custody holders ("jeres barn"); a child of the consent age gets the same letter written to the child ("du").
/// </summary>
public static class DefaultLetters
{
    // How a citizen reaches the committee: the foot of every letter to the family.
    private const string Contact = "Telefon {{committeePhone}} · E-mail {{committeeEmail}}";

    public static IReadOnlyDictionary<LetterKind, (string Title, string Text)> Templates { get; } = new Dictionary<LetterKind, (string, string)>
    {
        [LetterKind.GpReceipt] = ("Kvittering for henvendelse",
            "Tak for din henvendelse af {{receivedDate}} om {{childName}} til {{committee}}.\n" +
            "Forældremyndighedsindehaverne modtager inden for kort tid en anmodning om samtykke i Digital Post. " +
            "Når samtykket foreligger, behandles sagen på udvalgets næste møde, senest 8 arbejdsdage efter samtykket.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
        [LetterKind.GpReceiptConsentJoined] = ("Kvittering for henvendelse",
            "Tak for din henvendelse af {{receivedDate}} om {{childName}} til {{committee}}.\n" +
            "Der foreligger allerede et gyldigt samtykke fra en tidligere henvendelse om barnet, så familien bliver ikke spurgt igen. " +
            "Sagen behandles på udvalgets næste møde.{{stillToConsent}}\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}"),
        [LetterKind.ConsentRequest] = ("Anmodning om samtykke",
            "Kære {{recipientName}}\n\n" +
            "{{municipality}} har modtaget en henvendelse fra {{gpName}} om {{childName}} ({{childCpr}}).\n" +
            "Formålet er en helhedsorienteret vurdering af, hvad barnet og familien har brug for. " +
            "Kommunen må ikke se på sagen uden jeres samtykke. Samtykket gælder i højst et år og kan altid trækkes tilbage.\n\n" +
            "Giv eller afslå samtykke senest {{deadline}} her: {{consentLink}}\n\n" +
            "Hvis I ikke giver samtykke, sker der ikke mere. Det er et tilbud.\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.ConsentReminder] = ("Påmindelse om samtykke",
            "Kære {{recipientName}}\n\n" +
            "Vi har endnu ikke modtaget jeres svar om samtykke vedrørende {{childName}}. " +
            "Fristen er forlænget til {{deadline}}. Svar her: {{consentLink}}\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.ClosedNoConsent] = ("Sagen er afsluttet",
            "Kære {{recipientName}}\n\n" +
            "Da vi ikke har modtaget samtykke, er henvendelsen om {{childName}} afsluttet. " +
            "I er altid velkomne til at kontakte os igen.\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.Decision] = ("Referat fra koordinationsudvalget",
            "Kære {{recipientName}}\n\n" +
            "{{committee}} har på mødet {{meetingDate}} drøftet {{childName}}.\n\n" +
            "Beslutning: {{outcome}}\nIndsatsansvarlig: {{responsibleParty}}\n\n{{summary}}\n\n" +
            "Den indsatsansvarlige indkalder til et opstartsmøde inden for 4 uger.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),
        [LetterKind.CourseMeeting] = ("Tid og sted for næste møde",
            "Kære {{recipientName}}\n\n" +
            "Der er nu aftalt {{meetingKind}} om {{childName}}.\n\n" +
            "Tid: {{meetingTime}}\nSted: {{meetingPlace}}\n\n" +
            "{{responsibleParty}} har ansvaret for forløbet og holder mødet. Kan I ikke komme, så kontakt {{responsibleParty}} så hurtigt som muligt.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),
        [LetterKind.ConsentStopped] = ("Sagen er standset",
            "Kære {{recipientName}}\n\n" +
            "Samtykket til, at {{committee}} behandler henvendelsen om {{childName}}, er afslået eller trukket tilbage. " +
            "Sagen er derfor standset, og kommunen behandler ikke oplysningerne i den videre. " +
            "Er et forløb allerede i gang, får den indsatsansvarlige også besked.\n\n" +
            "I er altid velkomne til at kontakte os igen.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),

        // The same letters to a child of 15 or more: to the child, about the child, never "jeres barn".
        [LetterKind.ChildConsentRequest] = ("Anmodning om samtykke",
            "Kære {{recipientName}}\n\n" +
            "{{municipality}} har fået en henvendelse om dig fra {{gpName}}.\n" +
            "Formålet er, at vi sammen finder ud af, hvad du og din familie har brug for. " +
            "Fordi du er fyldt 15 år, skal du selv give samtykke, ligesom dine forældre. " +
            "Kommunen må ikke se på sagen uden dit samtykke. Samtykket gælder i højst et år, og du kan altid trække det tilbage.\n\n" +
            "Giv eller afslå samtykke senest {{deadline}} her: {{consentLink}}\n\n" +
            "Hvis du ikke giver samtykke, sker der ikke mere. Det er et tilbud til dig.\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.ChildConsentReminder] = ("Påmindelse om samtykke",
            "Kære {{recipientName}}\n\n" +
            "Vi har endnu ikke fået dit svar om samtykke. " +
            "Fristen er forlænget til {{deadline}}. Svar her: {{consentLink}}\n\n" +
            "Har du spørgsmål, er du velkommen til at kontakte os.\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.ChildClosedNoConsent] = ("Sagen er afsluttet",
            "Kære {{recipientName}}\n\n" +
            "Vi har ikke fået samtykke, så henvendelsen om dig er afsluttet. " +
            "Du er altid velkommen til at kontakte os eller din læge igen.\n\n" +
            "Med venlig hilsen\n{{committee}}\n" + Contact),
        [LetterKind.ChildDecision] = ("Referat fra koordinationsudvalget",
            "Kære {{recipientName}}\n\n" +
            "{{committee}} har på mødet {{meetingDate}} talt om, hvordan vi bedst kan hjælpe dig.\n\n" +
            "Beslutning: {{outcome}}\nIndsatsansvarlig: {{responsibleParty}}\n\n{{summary}}\n\n" +
            "{{responsibleParty}} inviterer dig og dine forældre til et første møde inden for 4 uger.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),
        [LetterKind.ChildCourseMeeting] = ("Tid og sted for næste møde",
            "Kære {{recipientName}}\n\n" +
            "Der er nu aftalt {{meetingKind}} om dig.\n\n" +
            "Tid: {{meetingTime}}\nSted: {{meetingPlace}}\n\n" +
            "{{responsibleParty}} holder mødet. Kan du ikke komme, så kontakt {{responsibleParty}} så hurtigt som muligt.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),
        [LetterKind.ChildConsentStopped] = ("Sagen er standset",
            "Kære {{recipientName}}\n\n" +
            "Samtykket til, at {{committee}} behandler henvendelsen om dig, er afslået eller trukket tilbage. " +
            "Sagen er derfor standset, og kommunen bruger ikke oplysningerne om dig i den videre. " +
            "Er et forløb allerede i gang, får den indsatsansvarlige også besked.\n\n" +
            "Du er altid velkommen til at kontakte os eller din læge igen.\n\n" +
            "Med venlig hilsen\n{{committee}}\n{{municipality}}\n" + Contact),
    };

    public static LetterTemplate Get(LetterKind kind) => LetterTemplate.Create(kind, Templates[kind].Title, Templates[kind].Text);
}

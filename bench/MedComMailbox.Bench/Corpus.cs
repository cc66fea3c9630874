using System.Globalization;
using System.Text;
using System.Text.Json;
using MedComMailbox.IntegrationTests.Faults;
using MedComMailbox.IntegrationTests.Resilience;

namespace MedComMailbox.Bench;

/// <summary>What kind of message a generated one is.</summary>
internal enum LoadKind
{
    /// <summary>CareCommunication referral, FHIR JSON, about 10 KB.</summary>
    Referral,

    /// <summary>The same with a second segment carrying a 200 KB PDF (about 280 KB as base64 in JSON).</summary>
    ReferralWithPdf,

    /// <summary>OIOXML XDIS91 letter whose subject makes it a referral.</summary>
    OioXml,
}

/// <summary>One message of the load: the header (or letter) id the answer must carry, and its child's CPR.</summary>
internal sealed record LoadMessage(int Number, LoadKind Kind, string MessageId, string ChildCpr, byte[] Body, string ContentType)
{
    /// <summary>The resilience tests' shape, for their exactly-once check.</summary>
    public TestMessage AsTestMessage() => new(MessageId, Body);
}

/// <summary>
/// N distinct, valid, realistic messages derived from medcom-samples/: every GUID fresh, each about a different fictitious
/// child, so that every message is a new referral that opens its own case (GP receipt and consent requests to two custody
/// holders). The children and holders are written to a register file in the format of the development register
/// (src/MedComMailbox.Infrastructure/Cpr/DevelopmentPersons.json), given to the mailbox as CprLookup:DevelopmentPersonsFile:
/// the built-in register has only six children, and a second referral of a child with an open case is attached, not opened.
/// CPR numbers have real birth dates and fail the modulus-11 check, as the built-in ones do.
/// </summary>
internal static class Corpus
{
    public const string OioXmlSubject = "Henvisning: bekymring for mistrivsel";

    public static IReadOnlyList<LoadMessage> Create(int count, double pdfShare, double oioXmlShare, int seed, string registerFile)
    {
        var random = new Random(seed);
        var pdf = Convert.ToBase64String(Pdf.Create(200 * 1024));
        var referralChild = SampleChild(SampleTemplates.Referral);
        var attachmentChild = SampleChild(SampleTemplates.ReferralWithAttachment);
        var oioTemplate = SampleTemplates.OioXmlLetter.Replace("Bekymring for barns trivsel", OioXmlSubject, StringComparison.Ordinal);
        var runTag = (seed % 1000).ToString("D3", CultureInfo.InvariantCulture);

        var messages = new List<LoadMessage>(count);
        var persons = new List<object>(count * 3);
        for (var i = 0; i < count; i++)
        {
            var child = ChildCpr(i, seed);
            var holders = new[] { AdultCpr(2 * i, seed), AdultCpr(2 * i + 1, seed) };
            // A child of 15 or more is signed up for Digital Post like an adult (and gets letters of its own); with false,
            // the mailbox rightly puts the child's letters in the print queue, which the Digital Post checks do not count.
            persons.Add(new { cpr = child, name = $"Barn{i} Benchsen", digitalPost = true, custodyHolders = holders });
            persons.Add(new { cpr = holders[0], name = $"Mor{i} Benchsen", digitalPost = true });
            persons.Add(new { cpr = holders[1], name = $"Far{i} Benchsen", digitalPost = true });

            var draw = random.NextDouble();
            var kind = draw < oioXmlShare ? LoadKind.OioXml : draw < oioXmlShare + pdfShare ? LoadKind.ReferralWithPdf : LoadKind.Referral;
            switch (kind)
            {
                case LoadKind.OioXml:
                {
                    var number = long.Parse(runTag + i.ToString("D7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                    var text = SampleTemplates.FreshOioXml(oioTemplate, number).Replace("1704109996", child, StringComparison.Ordinal);
                    var letterId = "BRV" + number.ToString("D10", CultureInfo.InvariantCulture);
                    messages.Add(new LoadMessage(i, kind, letterId, child, Encoding.UTF8.GetBytes(text), "application/xml"));
                    break;
                }

                case LoadKind.ReferralWithPdf:
                {
                    var text = SampleTemplates.FreshGuids(SampleTemplates.ReferralWithAttachment).Replace(attachmentChild, child, StringComparison.Ordinal);
                    text = ReplaceAttachment(text, pdf);
                    messages.Add(new LoadMessage(i, kind, SampleTemplates.HeaderId(text), child, Encoding.UTF8.GetBytes(text), "application/fhir+json"));
                    break;
                }

                default:
                {
                    var text = SampleTemplates.FreshGuids(SampleTemplates.Referral).Replace(referralChild, child, StringComparison.Ordinal);
                    messages.Add(new LoadMessage(i, kind, SampleTemplates.HeaderId(text), child, Encoding.UTF8.GetBytes(text), "application/fhir+json"));
                    break;
                }
            }
        }

        File.WriteAllText(registerFile, JsonSerializer.Serialize(new Dictionary<string, object> { ["//"] = "Generated by bench/MedComMailbox.Bench: fictitious persons, CPRs fail modulus 11.", ["persons"] = persons }));
        return messages;
    }

    /// <summary>The Patient's CPR in a sample (they are in the built-in register; the bench swaps in its own children).</summary>
    private static string SampleChild(string json)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var entry in document.RootElement.GetProperty("entry").EnumerateArray())
        {
            var resource = entry.GetProperty("resource");
            if (resource.GetProperty("resourceType").GetString() == "Patient")
            {
                return resource.GetProperty("identifier")[0].GetProperty("value").GetString()!;
            }
        }

        throw new InvalidOperationException("No Patient in the sample.");
    }

    private static string ReplaceAttachment(string json, string base64)
    {
        const string marker = "\"data\": \"";
        var at = json.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("The attachment sample has no data element.");
        }

        var end = json.IndexOf('"', at + marker.Length);
        return string.Concat(json.AsSpan(0, at + marker.Length), base64, json.AsSpan(end));
    }

    /// <summary>Children born 2010-2019 (7th digit 9: the 2000s for years 00-36), unique per index.</summary>
    internal static string ChildCpr(int index, int seed) => FailingModulus11(new DateOnly(2010, 1, 1).AddDays(index % 3650), 9000 + Block(index / 3650, seed));

    /// <summary>Adults born 1970-1994 (7th digit 4: the 1900s for years 37-99), unique per index.</summary>
    internal static string AdultCpr(int index, int seed) => FailingModulus11(new DateOnly(1970, 1, 1).AddDays(index % 9000), 4000 + Block(index / 9000, seed));

    /// <summary>A block of ten serial numbers per date, shifted by the seed so two runs do not share persons.</summary>
    private static int Block(int block, int seed) => (block + seed % 50) % 100 * 10;

    /// <summary>The first of ten serials (block..block+9) whose weighted sum is not divisible by 11.</summary>
    private static string FailingModulus11(DateOnly birth, int serialBase)
    {
        int[] weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        var date = birth.ToString("ddMMyy", CultureInfo.InvariantCulture);
        for (var k = 0; k < 10; k++)
        {
            var cpr = date + (serialBase + k).ToString("D4", CultureInfo.InvariantCulture);
            var sum = 0;
            for (var d = 0; d < 10; d++)
            {
                sum += (cpr[d] - '0') * weights[d];
            }

            if (sum % 11 != 0)
            {
                return cpr;
            }
        }

        throw new InvalidOperationException("unreachable: at most one serial in ten passes modulus 11");
    }
}

/// <summary>A valid one-page PDF of about the size asked for: a content stream of text lines, with a correct xref table.</summary>
internal static class Pdf
{
    public static byte[] Create(int approximateBytes)
    {
        var content = new StringBuilder("BT /F1 9 Tf 40 800 Td 11 TL\n");
        var line = 0;
        while (content.Length < approximateBytes - 600)
        {
            content.Append(CultureInfo.InvariantCulture, $"(Fiktiv udtalelse fra skolen, linje {line++}: benchmark-data uden personoplysninger.) '\n");
        }

        content.Append("ET\n");
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}

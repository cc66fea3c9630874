using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PdfSharp.WPFonts;
using MedComMailbox.Core.Time;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// A letter of the print queue, ready to print: the Danish text (consent link filled in), the recipient's name and address
/// as the register gave them when the letter was queued, the municipality and committee as sender, and the date.
/// Personal data: render it, never log it.
/// </summary>
public sealed record PaperLetter(
    Guid Id,
    Guid CaseId,
    string MailboxGln,
    string Kind,
    string PartyId,
    string ChildCpr,
    string RecipientName,
    string? RecipientAddress,
    string Title,
    string Body,
    string Municipality,
    string Committee,
    DateTimeOffset Date);

/// <summary>
/// Renders a <see cref="PaperLetter"/> as an A4 PDF with PDFsharp (MIT): the address block where a window envelope (C5/C65,
/// left window) shows it, sender and date to the right, the title, the text wrapped and paginated, a page number below.
/// Text is written WinAnsi-encoded in uncompressed content streams, so the letter's words are searchable in the file.
/// Fonts: Segoe WP, which PDFsharp ships (<c>PdfSharp.WPFonts</c>), so no system fonts are needed on the server.
/// </summary>
public static class LetterPdf
{
    private const string Family = "Brev";
    private static readonly TimeZoneInfo Copenhagen = DanishTime.Zone;
    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");
    private static readonly Lock FontLock = new();
    private static readonly XPdfFontOptions WinAnsi = new(PdfFontEncoding.WinAnsi);

    // Millimetres to points; the page is A4 (210 × 297 mm).
    private static double Mm(double mm) => mm * 72 / 25.4;

    public static byte[] Render(PaperLetter letter)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        document.Options.CompressContentStreams = false;
        document.Info.Title = letter.Title;
        document.Info.Author = letter.Municipality;
        document.Info.Creator = "MedComMailbox";

        var regular = new XFont(Family, 11, XFontStyleEx.Regular, WinAnsi);
        var bold = new XFont(Family, 13, XFontStyleEx.Bold, WinAnsi);
        var small = new XFont(Family, 9, XFontStyleEx.Regular, WinAnsi);
        var left = Mm(25);
        var width = Mm(210 - 25 - 20);
        var lineHeight = regular.GetHeight() * 1.15;
        var bottom = Mm(297 - 25);

        var pages = new List<PdfPage>();
        var page = NewPage(document, pages);
        var gfx = XGraphics.FromPdfPage(page);
        try
        {
            // Sender and date, top right.
            var date = TimeZoneInfo.ConvertTime(letter.Date, Copenhagen).ToString("d. MMMM yyyy", Danish);
            var senderX = Mm(125);
            var y = Mm(20);
            foreach (var line in new[] { letter.Municipality, letter.Committee, "", date })
            {
                gfx.DrawString(line, small, XBrushes.Black, new XPoint(senderX, y));
                y += small.GetHeight() * 1.2;
            }

            // The address block, in the window of a C5/C65 envelope (about 20 mm from the left, 50 mm from the top).
            y = Mm(50);
            foreach (var line in new[] { letter.RecipientName }.Concat(AddressLines(letter.RecipientAddress)))
            {
                gfx.DrawString(line, regular, XBrushes.Black, new XPoint(Mm(20), y));
                y += lineHeight;
            }

            y = Mm(100);
            foreach (var line in Wrap(gfx, letter.Title, bold, width))
            {
                gfx.DrawString(line, bold, XBrushes.Black, new XPoint(left, y));
                y += bold.GetHeight() * 1.2;
            }

            y += lineHeight / 2;
            foreach (var paragraph in letter.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                foreach (var line in paragraph.Length == 0 ? [""] : Wrap(gfx, paragraph, regular, width))
                {
                    if (y > bottom)
                    {
                        gfx.Dispose();
                        page = NewPage(document, pages);
                        gfx = XGraphics.FromPdfPage(page);
                        y = Mm(25);
                    }

                    gfx.DrawString(line, regular, XBrushes.Black, new XPoint(left, y));
                    y += lineHeight;
                }
            }
        }
        finally
        {
            gfx.Dispose();
        }

        for (var i = 0; i < pages.Count; i++)
        {
            using var footer = XGraphics.FromPdfPage(pages[i], XGraphicsPdfPageOptions.Append);
            footer.DrawString($"Du får dette brev på papir, fordi du er fritaget for Digital Post.   Side {i + 1} af {pages.Count}",
                small, XBrushes.Black, new XPoint(left, Mm(297 - 12)));
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private static PdfPage NewPage(PdfDocument document, List<PdfPage> pages)
    {
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        pages.Add(page);
        return page;
    }

    private static string[] AddressLines(string? address) =>
        address is null ? ["(Adressen er ikke oplyst i CPR-registret)"] : address.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Greedy word wrap by measured width; a word wider than the line is broken by characters.</summary>
    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (gfx.MeasureString(candidate, font).Width <= width)
            {
                line = candidate;
                continue;
            }

            if (line.Length > 0)
            {
                yield return line;
            }

            line = word;
            while (line.Length > 1 && gfx.MeasureString(line, font).Width > width)
            {
                var cut = line.Length - 1;
                while (cut > 1 && gfx.MeasureString(line[..cut], font).Width > width)
                {
                    cut--;
                }

                yield return line[..cut];
                line = line[cut..];
            }
        }

        yield return line;
    }

    /// <summary>PDFsharp's font resolver is process-wide and may be set once, before the first font is used.</summary>
    private static void EnsureFonts()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not LetterFonts)
            {
                GlobalFontSettings.FontResolver = LetterFonts.Instance;
            }
        }
    }

    /// <summary>Every family resolves to Segoe WP (regular or bold) from the package: the same output on every server.</summary>
    private sealed class LetterFonts : IFontResolver
    {
        public static readonly LetterFonts Instance = new();

        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
            new(isBold ? "SegoeWP-Bold" : "SegoeWP", false, isItalic);

        public byte[]? GetFont(string faceName) => faceName == "SegoeWP-Bold" ? FontDataHelper.SegoeWPBold : FontDataHelper.SegoeWP;
    }
}

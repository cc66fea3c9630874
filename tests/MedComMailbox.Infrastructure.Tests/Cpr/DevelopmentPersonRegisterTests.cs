using System.Xml.Linq;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;

namespace MedComMailbox.Infrastructure.Tests.Cpr;

public sealed class DevelopmentPersonRegisterTests
{
    private static readonly DevelopmentPersonRegister BuiltIn = DevelopmentPersonRegister.BuiltIn();

    /// <summary>The patient of the OIOXML sample letter, read from the sample itself.</summary>
    private static string OioxmlPatientCpr()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "medcom-samples")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var letter = XDocument.Load(Path.Combine(dir.FullName, "medcom-samples", "oioxml", "xdis91-letter-from-gp.xml"));
        return letter.Descendants().Single(e => e.Name.LocalName == "Patient").Elements().Single(e => e.Name.LocalName == "CivilRegistrationNumber").Value;
    }

    private static async Task<ChildCustody> Child(string cpr)
    {
        var custody = await BuiltIn.LookupChildAsync(cpr, CancellationToken.None);
        Assert.NotNull(custody);
        Assert.Equal(cpr, custody.Child.Cpr);
        Assert.All(custody.CustodyHolders, h =>
        {
            Assert.True(DevelopmentPersonRegister.IsValidCpr(h.Cpr));
            Assert.NotEqual(cpr, h.Cpr);
            Assert.False(string.IsNullOrWhiteSpace(h.Name));
            Assert.False(h.Dead);
        });
        return custody;
    }

    [Fact]
    public async Task Alma_has_mother_and_father_both_with_digital_post()
    {
        var alma = await Child("1201149996");

        Assert.Equal(2, alma.CustodyHolders.Count);
        Assert.All(alma.CustodyHolders, h => Assert.True(h.RegisteredForDigitalPost));
        Assert.All(alma.CustodyHolders, h => Assert.False(h.ProtectedAddress));
        Assert.Equal(2, alma.CustodyHolders.Select(h => h.Cpr).Distinct().Count());
    }

    [Fact]
    public async Task Oskar_has_one_custody_holder() =>
        Assert.Single((await Child("0509119995")).CustodyHolders);

    [Fact]
    public async Task Ida_has_two_holders_one_with_a_protected_address()
    {
        var ida = await Child("2307104996");

        Assert.Equal(2, ida.CustodyHolders.Count);
        Assert.Single(ida.CustodyHolders, h => h.ProtectedAddress);
    }

    [Fact]
    public async Task Ella_and_the_oioxml_patient_have_two_holders()
    {
        Assert.Equal(2, (await Child("0102184996")).CustodyHolders.Count);
        Assert.Equal(2, (await Child(OioxmlPatientCpr())).CustodyHolders.Count);
    }

    [Fact]
    public async Task Holders_are_adults_with_real_birth_dates()
    {
        foreach (var cpr in new[] { "1201149996", "0509119995", "2307104996", "0102184996", OioxmlPatientCpr() })
        {
            foreach (var holder in (await Child(cpr)).CustodyHolders)
            {
                var yy = int.Parse(holder.Cpr[4..6], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(yy, 40, 99); // 19xx under the century rule for digit 7 in 0-4: grown-ups
            }
        }
    }

    [Fact]
    public async Task A_person_not_in_the_register_is_null() =>
        Assert.Null(await BuiltIn.LookupChildAsync("0101019999", CancellationToken.None));

    [Theory]
    [InlineData("1201149996", true)]
    [InlineData("0304854118", true)]
    [InlineData("2902139996", false)] // 29 February 2013
    [InlineData("2902009996", true)]  // 29 February 2000
    [InlineData("3204854118", false)]
    [InlineData("120114999", false)]
    [InlineData("12011499x6", false)]
    public void Cpr_numbers_need_a_real_birth_date(string cpr, bool valid) =>
        Assert.Equal(valid, DevelopmentPersonRegister.IsValidCpr(cpr));

    [Fact]
    public async Task The_oioxml_patients_father_is_exempt_from_digital_post_and_has_an_address_for_the_paper_letter()
    {
        var holders = (await Child(OioxmlPatientCpr())).CustodyHolders;

        var exempt = Assert.Single(holders, h => h.ExemptFromDigitalPost);
        Assert.Equal("Peter Fiktivsen", exempt.Name);
        Assert.Equal("Prøvevej 7, 2. th.\n9999 Eksempelby", exempt.Address);
        Assert.Equal(exempt, await BuiltIn.LookupPersonAsync(exempt.Cpr, CancellationToken.None));
        Assert.Null(await BuiltIn.LookupPersonAsync("0101204996", CancellationToken.None));
    }

    [Fact]
    public async Task A_register_file_is_read_and_dead_holders_are_left_out()
    {
        var register = DevelopmentPersonRegister.Parse("""
            { "persons": [
              { "cpr": "0101204996", "name": "Barn Testesen", "custodyHolders": ["0202904011", "0303904012"] },
              { "cpr": "0202904011", "name": "Mor Testesen", "digitalPost": false },
              { "cpr": "0303904012", "name": "Far Testesen", "dead": true },
            ] }
            """);

        var custody = await register.LookupChildAsync("0101204996", CancellationToken.None);

        var holder = Assert.Single(custody!.CustodyHolders);
        Assert.Equal(("0202904011", "Mor Testesen", (bool?)false), (holder.Cpr, holder.Name, holder.RegisteredForDigitalPost));
        Assert.Null(custody.Child.RegisteredForDigitalPost);
    }

    [Theory]
    [InlineData("""{ "persons": [ { "cpr": "0101204996", "name": "Barn", "custodyHolders": ["0202904011"] } ] }""", "persons[0].custodyHolders[0]")]
    [InlineData("""{ "persons": [ { "cpr": "3102204996", "name": "Barn" } ] }""", "persons[0].cpr")]
    [InlineData("""{ "persons": [ { "cpr": "0101204996" } ] }""", "persons[0].name")]
    [InlineData("""{ "persons": [ { "cpr": "0101204996", "name": "A" }, { "cpr": "0101204996", "name": "B" } ] }""", "persons[1]")]
    [InlineData("""{ "persons": [] }""", "no persons")]
    [InlineData("""{ "persons": [ """, "not valid JSON")]
    public void A_broken_register_names_the_entry_but_no_cpr(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => DevelopmentPersonRegister.Parse(json));

        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("0101204996", e.Message);
        Assert.DoesNotContain("0202904011", e.Message);
    }
}

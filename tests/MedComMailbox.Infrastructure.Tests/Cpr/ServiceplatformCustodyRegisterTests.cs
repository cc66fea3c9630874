using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.Infrastructure.Tests.Cpr;

/// <summary>The SF1520 adapter behind <see cref="ICustodyRegister"/>, over real HTTP against the PersonLookup fake.</summary>
public sealed class ServiceplatformCustodyRegisterTests : IDisposable
{
    private const string Child = "2311114123";
    private const string Mother = "0101801234";
    private const string Father = "0202791235";
    private const string Guardian = "0303701236";
    private const string Guardian2 = "0404691237";

    private readonly CprFake _fake = new();
    private ServiceProvider? _provider;

    public void Dispose()
    {
        _provider?.Dispose();
        _fake.Dispose();
    }

    private ServiceplatformCustodyRegister Register()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CprLookup:ServiceUrl"] = _fake.ServiceUrl,
            ["CprLookup:Cvr"] = "29189129",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        services.AddCprLookup(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
        _provider = services.BuildServiceProvider();
        return new ServiceplatformCustodyRegister(_provider);
    }

    [Fact]
    public async Task Mother_and_father_with_custody_come_from_relationer_mor_and_far()
    {
        _fake.Person(Child, "Barn Barnesen", CprFake.Parents(Mother, Father) + CprFake.Custody(3) + CprFake.Custody(4), digitalPost: false);
        _fake.Person(Mother, "Mor Barnesen");
        _fake.Person(Father, "Far Barnesen", digitalPost: null);

        var custody = await Register().LookupChildAsync(Child, CancellationToken.None);

        Assert.NotNull(custody);
        Assert.Equal(Child, custody.Child.Cpr);
        Assert.Equal("Barn Barnesen", custody.Child.Name);
        Assert.Equal([(Mother, "Mor Barnesen", (bool?)true), (Father, "Far Barnesen", null)],
            custody.CustodyHolders.Select(h => (h.Cpr, h.Name, h.RegisteredForDigitalPost)));
        Assert.All(custody.CustodyHolders, h => Assert.False(h.ProtectedAddress));
    }

    [Fact]
    public async Task An_unknown_cpr_is_null()
    {
        _fake.UnknownOtherwise();

        Assert.Null(await Register().LookupChildAsync("0101010000", CancellationToken.None));
    }

    [Fact]
    public async Task Ended_custody_is_left_out_and_a_protected_address_is_flagged()
    {
        _fake.Person(Child, "Barn Barnesen", CprFake.Parents(Mother, Father) + CprFake.Custody(3, ended: "2024-05-01") + CprFake.Custody(4) + CprFake.Custody(5, Guardian));
        _fake.Person(Father, "Far Barnesen");
        _fake.Person(Guardian, "Værge Hansen", protectedAddress: true);
        _fake.UnknownOtherwise();

        var custody = await Register().LookupChildAsync(Child, CancellationToken.None);

        Assert.Equal([Father, Guardian], custody!.CustodyHolders.Select(h => h.Cpr));
        Assert.Equal([false, true], custody.CustodyHolders.Select(h => h.ProtectedAddress));
        Assert.DoesNotContain(_fake.Server.LogEntries, e => e.RequestMessage.Body!.Contains($"<PNR>{Mother}</PNR>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Types_5_and_6_take_the_holder_from_relationPersonnummer()
    {
        _fake.Person(Child, "Barn Barnesen", CprFake.Parents(Mother, Father) + CprFake.Custody(5, Guardian) + CprFake.Custody(6, Guardian2));
        _fake.Person(Guardian, "Værge Hansen");
        _fake.Person(Guardian2, "Værge Jensen");
        _fake.UnknownOtherwise();

        var custody = await Register().LookupChildAsync(Child, CancellationToken.None);

        Assert.Equal([Guardian, Guardian2], custody!.CustodyHolders.Select(h => h.Cpr));
        Assert.Equal(["Værge Hansen", "Værge Jensen"], custody.CustodyHolders.Select(h => h.Name));
    }

    [Fact]
    public async Task A_dead_holder_is_left_out()
    {
        _fake.Person(Child, "Barn Barnesen", CprFake.Parents(Mother, Father) + CprFake.Custody(3) + CprFake.Custody(4));
        _fake.Person(Mother, "Mor Barnesen", status: "90");
        _fake.Person(Father, "Far Barnesen");

        var custody = await Register().LookupChildAsync(Child, CancellationToken.None);

        Assert.Equal(Father, Assert.Single(custody!.CustodyHolders).Cpr);
    }

    [Fact]
    public async Task A_holder_the_register_does_not_know_fails_without_personal_data()
    {
        _fake.Person(Child, "Barn Barnesen", CprFake.Custody(5, Guardian));
        _fake.UnknownOtherwise();

        var e = await Assert.ThrowsAsync<CprLookupException>(() => Register().LookupChildAsync(Child, CancellationToken.None));

        Assert.DoesNotContain(Guardian, e.Message);
        Assert.DoesNotContain(Child, e.Message);
    }
}

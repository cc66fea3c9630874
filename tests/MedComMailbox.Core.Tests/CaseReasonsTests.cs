using System.Reflection;
using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Core.Tests;

public sealed class CaseReasonsTests
{
    public static TheoryData<string> Codes()
    {
        var data = new TheoryData<string>();
        foreach (var field in typeof(CaseReasons).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            data.Add((string)field.GetRawConstantValue()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_code_the_case_stores_has_a_danish_text_for_the_timeline_and_the_case_page(string code)
    {
        Assert.NotEqual(code, CaseReasons.FlagText(code));
        Assert.NotEqual(code, CaseReasons.ClosedText(code));
    }

    [Fact]
    public void A_reason_staff_wrote_is_shown_as_written() =>
        Assert.Equal("Talt med forældrene", CaseReasons.ClosedText("Talt med forældrene"));
}

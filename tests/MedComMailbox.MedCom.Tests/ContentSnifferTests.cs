using System.Text;
using MedComMailbox.MedCom;

namespace MedComMailbox.MedCom.Tests;

public sealed class ContentSnifferTests
{
    [Theory]
    [InlineData("{\"resourceType\":\"Bundle\"}", "application/fhir+json")]
    [InlineData("\uFEFF  \n{ }", "application/fhir+json")]
    [InlineData("<?xml version=\"1.0\"?><Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"x\"/></Bundle>", "application/fhir+xml")]
    [InlineData("<!-- c --><f:Bundle xmlns:f=\"http://hl7.org/fhir\"/>", "application/fhir+xml")]
    [InlineData("<VANSEnvelope xmlns=\"urn:oio:medcom:vans-envelope:1.0.4\"/>", "application/xml")]
    [InlineData("<Emessage xmlns=\"http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/\"/>", "application/xml")]
    [InlineData("", "application/xml")]
    public void Detects_the_syntax(string body, string expected) =>
        Assert.Equal(expected, ContentSniffer.DetectContentType(Encoding.UTF8.GetBytes(body)));
}

using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Schema;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.OioXml;

/// <summary>
/// Validates documents against the schemas in ../shared/medcom. Schema files are read only from inside the
/// schema folder given; nothing is fetched from the network.
/// </summary>
internal static class XsdValidation
{
    private static readonly ConcurrentDictionary<string, XmlSchemaSet> Cache = new(StringComparer.Ordinal);

    /// <summary>The Emessage schema of one OIOXML namespace folder, e.g. "2006/07/01" or "2005/08/07".</summary>
    public static XmlSchemaSet OioXml(string dateFolder) =>
        Load(Path.Combine(RepoPaths.SharedMedCom!, "oioxml-xsd"), Path.GetFullPath(Path.Combine(RepoPaths.SharedMedCom!, "oioxml-xsd", dateFolder)), "EMessage.xsd");

    public static XmlSchemaSet Vans() =>
        Load(Path.Combine(RepoPaths.SharedMedCom!, "vans"), Path.Combine(RepoPaths.SharedMedCom!, "vans"), "vans-envelope-1.0.4.xsd");

    /// <summary>Schema errors and warnings of a document; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(XmlSchemaSet schemas, ReadOnlyMemory<byte> document)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(document.ToArray()), settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    private static XmlSchemaSet Load(string root, string folder, string file) => Cache.GetOrAdd(Path.Combine(folder, file), path =>
    {
        var errors = new List<string>();
        var set = new XmlSchemaSet { XmlResolver = new FolderResolver(Path.GetFullPath(root)) };
        set.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using (var stream = File.OpenRead(path))
        using (var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }, new Uri(path).AbsoluteUri))
        {
            set.Add(null, reader);
        }

        set.Compile();
        return errors.Count == 0 ? set : throw new InvalidOperationException("The schemas do not compile: " + string.Join("; ", errors));
    });

    /// <summary>Opens schema files under one folder only, and stands in for the one file the shared copy lacks.</summary>
    private sealed class FolderResolver(string root) : XmlResolver
    {
        // GeneralTypes.xsd imports ../../../2016/09/23/date_no_tz.xsd, which the shared copy of the OS2 schema set does
        // not include. Upstream it restricts xs:date to values without a time zone; this is the same restriction.
        private const string DateNoTz = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://rep.oio.dk/medcom.dk/xml/schemas/2016/09/23/">
              <xs:simpleType name="dateNoTZ"><xs:restriction base="xs:date"><xs:pattern value="[^:Z]*"/></xs:restriction></xs:simpleType>
            </xs:schema>
            """;

        public override object GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            var path = absoluteUri.IsFile ? Path.GetFullPath(absoluteUri.LocalPath) : null;
            if (path is null || !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new XmlException($"Refusing to read a schema outside {root}: {absoluteUri}");
            }

            if (!File.Exists(path) && Path.GetFileName(path) == "date_no_tz.xsd")
            {
                return new MemoryStream(System.Text.Encoding.UTF8.GetBytes(DateNoTz));
            }

            return File.OpenRead(path);
        }
    }
}

using System.Text.RegularExpressions;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit.Abstractions;

namespace MedComMailbox.Infrastructure.Tests.Storage;

/// <summary>
/// SQL Server cannot run on the machines CI runs on, so what the SQL Server dialect sends is checked with Microsoft's
/// own T-SQL parser (ScriptDom): every schema script, and every statement of every Dapper call site in src/, which
/// Roslyn finds and resolves from the C# source (literals, constants, locals, the arguments of the calling method,
/// both branches of a conditional, <c>Dialect.Limit</c> in its SQL Server form). The parameters each statement uses
/// must be supplied by the call site's anonymous object. The SQL Server integration tests (MEDCOM_TEST_SQLSERVER)
/// still run the statements for real where a server is given.
/// </summary>
public sealed partial class SqlServerStatementTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> DapperMethods = new(StringComparer.Ordinal)
    {
        "Execute", "ExecuteAsync", "ExecuteScalar", "ExecuteScalarAsync", "Query", "QueryAsync", "QuerySingle", "QuerySingleAsync",
        "QuerySingleOrDefault", "QuerySingleOrDefaultAsync", "QueryFirst", "QueryFirstAsync", "QueryFirstOrDefault", "QueryFirstOrDefaultAsync",
        "QueryMultiple", "QueryMultipleAsync",
    };

    private static readonly SqlServerDialect SqlServer = new("Server=unused");

    /// <summary>Every class and record of src/ by name, with its property names (what Dapper reads from an entity parameter).</summary>
    private static readonly Lazy<Dictionary<string, List<string>>> Types = new(() => SourceFiles()
        .SelectMany(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f)).GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
        .GroupBy(t => t.Identifier.ValueText, StringComparer.Ordinal)
        .ToDictionary(
            g => g.Key,
            g => g.SelectMany(t => t.Members.OfType<PropertyDeclarationSyntax>().Select(p => p.Identifier.ValueText)
                .Concat(t.ParameterList?.Parameters.Select(p => p.Identifier.ValueText) ?? [])).ToList(),
            StringComparer.Ordinal));

    [Fact]
    public void Every_SQL_Server_schema_script_parses()
    {
        var folder = Path.Combine(RepoPaths.Root, "src", "MedComMailbox.Infrastructure", "Storage", "Scripts", "SqlServer");
        var scripts = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(scripts);
        var problems = scripts.SelectMany(s => Parse(File.ReadAllText(s)).Select(e => $"{Path.GetFileName(s)}: {e}")).ToList();
        output.WriteLine($"{scripts.Count} scripts parsed");
        Assert.Empty(problems);
    }

    [Fact]
    public void The_parser_catches_what_SQL_Server_would_refuse()
    {
        // The check must be able to fail: SQLite's row limit and a missing parenthesis are not T-SQL.
        Assert.NotEmpty(Parse("SELECT id FROM outbox ORDER BY id LIMIT 100"));
        Assert.NotEmpty(Parse("SELECT COUNT(* FROM outbox"));
        Assert.Empty(Parse(SqlServer.Limit("SELECT id FROM outbox ORDER BY id", 100)));
        Assert.Equal(["now"], Missing(Statement("UPDATE outbox SET dispatched_at = @now WHERE id = @id", ["id"])));
    }

    [Fact]
    public void Every_statement_the_code_sends_parses_as_T_SQL_and_gets_every_parameter_it_uses()
    {
        var sites = CallSites().ToList();
        var statements = sites.SelectMany(s => s.Statements).ToList();
        var checkedParameters = statements.Count(s => s.Parameters is not null);
        output.WriteLine($"{sites.Count} Dapper call sites, {statements.Count} statements (a conditional or a caller gives more than one), parameters checked for {checkedParameters}");
        foreach (var loose in statements.Where(s => s.Parameters is null))
        {
            output.WriteLine("parameters not an anonymous object, not checked: " + loose.Where);
        }

        foreach (var unresolved in sites.Where(s => s.Statements.Count == 0))
        {
            output.WriteLine("not resolved: " + unresolved.Where);
        }

        Assert.True(sites.Count >= 100, $"Only {sites.Count} call sites found: the extraction no longer sees the code.");
        Assert.True(checkedParameters >= statements.Count * 9 / 10, $"Parameters checked for only {checkedParameters} of {statements.Count} statements.");
        Assert.Empty(sites.Where(s => s.Statements.Count == 0).Select(s => $"{s.Where}: the SQL could not be resolved from the source"));
        Assert.Empty(statements.SelectMany(s => Parse(s.Sql).Select(e => $"{s.Where}: {e}{Environment.NewLine}{s.Sql}")));
        Assert.Empty(statements.Where(s => s.Parameters is not null).SelectMany(s => Missing(s).Select(p => $"{s.Where}: @{p} is not supplied")));
    }

    private sealed record SqlStatement(string Where, string Sql, IReadOnlyCollection<string>? Parameters);

    private sealed record CallSite(string Where, List<SqlStatement> Statements);

    private static SqlStatement Statement(string sql, IReadOnlyCollection<string> parameters) => new("test", sql, parameters);

    /// <summary>Parameters the SQL uses that the call does not supply (DECLAREd variables and @@ functions aside).</summary>
    private static List<string> Missing(SqlStatement statement)
    {
        var declared = Declared().Matches(statement.Sql).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Used().Matches(statement.Sql).Select(m => m.Groups[1].Value)
            .Where(p => !declared.Contains(p) && !statement.Parameters!.Contains(p, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static List<string> Parse(string sql)
    {
        // Dapper expands "IN @list" into "IN (@list1, @list2, …)" before SQL Server sees it.
        var expanded = InList().Replace(sql, m => $"IN (@{m.Groups[1].Value}1, @{m.Groups[1].Value}2)");
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(expanded);
        parser.Parse(reader, out var errors);
        return errors.Select(e => $"line {e.Line} col {e.Column}: {e.Message}").ToList();
    }

    private static IEnumerable<CallSite> CallSites()
    {
        foreach (var file in SourceFiles())
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file).GetRoot();
            var relative = Path.GetRelativePath(RepoPaths.Root, file);
            foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                // base.ExecuteAsync(stoppingToken) in a BackgroundService is the host's method, not Dapper's.
                if (call.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } member || !DapperMethods.Contains(name)
                    || call.ArgumentList.Arguments.Count == 0 || member.Expression is BaseExpressionSyntax)
                {
                    continue;
                }

                // ADO.NET's own ExecuteScalar() on a DbCommand takes no SQL: only calls whose first argument is SQL count.
                var where = $"{relative}:{call.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
                var (sqlArgument, parametersArgument) = Arguments(call);
                if (sqlArgument is null or AnonymousFunctionExpressionSyntax)
                {
                    continue;
                }

                var parameters = parametersArgument is null ? [] : ParameterNames(parametersArgument, root);
                var statements = Resolve(sqlArgument, root, depth: 0)
                    .Select(sql => new SqlStatement(where, sql, parameters))
                    .ToList();
                yield return new CallSite(where, statements);
            }
        }
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>The SQL and the parameters of a Dapper call: positional, named (sql:, param:) or a CommandDefinition.</summary>
    private static (ExpressionSyntax? Sql, ExpressionSyntax? Parameters) Arguments(InvocationExpressionSyntax call)
    {
        var arguments = call.ArgumentList.Arguments;
        var first = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "sql") ?? arguments[0];
        if (first.Expression is ObjectCreationExpressionSyntax { Type: IdentifierNameSyntax { Identifier.ValueText: "CommandDefinition" } } definition
            && definition.ArgumentList is { Arguments.Count: > 0 } definitionArguments)
        {
            return (definitionArguments.Arguments[0].Expression, definitionArguments.Arguments.Count > 1 && definitionArguments.Arguments[1].NameColon is null ? definitionArguments.Arguments[1].Expression : null);
        }

        if (first.NameColon is { Name.Identifier.ValueText: not "sql" })
        {
            return (null, null);
        }

        var param = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "param")
            ?? (arguments.Count > 1 && arguments[1].NameColon is null ? arguments[1] : null);
        return (first.Expression, param?.Expression);
    }

    /// <summary>
    /// The names the parameters supply: an anonymous object's members; a DynamicParameters local's (its constructor's
    /// anonymous object and every <c>.Add(name, …)</c> on it in the file); a helper of the file that returns one. Null
    /// when the parameters are another object (an entity: not checked then).
    /// </summary>
    private static List<string>? ParameterNames(ExpressionSyntax expression, SyntaxNode root)
    {
        switch (expression)
        {
            case AnonymousObjectCreationExpressionSyntax anonymous:
                return anonymous.Initializers.Select(i => i.NameEquals?.Name.Identifier.ValueText ?? i.Expression switch
                {
                    IdentifierNameSyntax id => id.Identifier.ValueText,
                    MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                    _ => "",
                }).ToList();

            case IdentifierNameSyntax identifier when identifier.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault() is { } method:
                var name = identifier.Identifier.ValueText;
                switch (method.DescendantNodes().OfType<VariableDeclaratorSyntax>().FirstOrDefault(v => v.Identifier.ValueText == name)?.Initializer?.Value)
                {
                    case AnonymousObjectCreationExpressionSyntax anonymousLocal:
                        return ParameterNames(anonymousLocal, root);
                    case ObjectCreationExpressionSyntax { Type: IdentifierNameSyntax { Identifier.ValueText: "DynamicParameters" } } created:
                        return [.. AnonymousArguments(created.ArgumentList, root), .. AddedNames(root, name, root)];
                }

                // An entity passed as a method parameter: Dapper reads its properties.
                var parameter = method.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == name);
                return parameter?.Type is { } type && Types.Value.TryGetValue(type.ToString(), out var properties) ? properties : null;

            case InvocationExpressionSyntax { Expression: IdentifierNameSyntax helper } invocation
                when root.DescendantNodes().OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == helper.Identifier.ValueText && m.ReturnType.ToString() == "DynamicParameters") is { } declaration:
                var local = declaration.DescendantNodes().OfType<VariableDeclaratorSyntax>().FirstOrDefault()?.Identifier.ValueText ?? "parameters";
                return [.. AnonymousArguments(invocation.ArgumentList, root), .. AddedNames(declaration, local, root)];

            default:
                return null;
        }
    }

    private static IEnumerable<string> AnonymousArguments(ArgumentListSyntax? arguments, SyntaxNode root) =>
        arguments?.Arguments.Select(a => ParameterNames(a.Expression, root)).Where(n => n is not null).SelectMany(n => n!) ?? [];

    /// <summary>The names passed to <c>variable.Add(name, …)</c> within <paramref name="scope"/> (a helper's parameter: what its callers pass).</summary>
    private static List<string> AddedNames(SyntaxNode scope, string variable, SyntaxNode root) =>
        scope.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(c => c.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax target } && target.Identifier.ValueText == variable && c.ArgumentList.Arguments.Count > 0)
            .SelectMany(c => Resolve(c.ArgumentList.Arguments[0].Expression, root, depth: 0))
            .ToList();

    /// <summary>Every string a list may hold: its initialiser's elements and whatever is added to a list of that name in the file.</summary>
    private static List<string> ListItems(IdentifierNameSyntax list, SyntaxNode root, int depth)
    {
        var name = list.Identifier.ValueText;
        var items = new List<string>();
        var declaration = list.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault()?.DescendantNodes().OfType<VariableDeclaratorSyntax>().FirstOrDefault(v => v.Identifier.ValueText == name);
        if (declaration?.Initializer?.Value is BaseObjectCreationExpressionSyntax { Initializer: { } initializer })
        {
            items.AddRange(initializer.Expressions.SelectMany(e => Resolve(e, root, depth + 1).Take(1)));
        }

        items.AddRange(root.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(c => c.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax target } && target.Identifier.ValueText == name && c.ArgumentList.Arguments.Count == 1)
            .SelectMany(c => Resolve(c.ArgumentList.Arguments[0].Expression, root, depth + 1)));
        return items.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every SQL text the expression can have. Empty when some part cannot be followed.</summary>
    private static List<string> Resolve(ExpressionSyntax expression, SyntaxNode root, int depth)
    {
        if (depth > 8)
        {
            return [];
        }

        switch (expression)
        {
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                return [literal.Token.ValueText];

            case ParenthesizedExpressionSyntax parenthesized:
                return Resolve(parenthesized.Expression, root, depth + 1);

            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                return Combine(Resolve(binary.Left, root, depth + 1), Resolve(binary.Right, root, depth + 1));

            case ConditionalExpressionSyntax conditional:
                var whenTrue = Resolve(conditional.WhenTrue, root, depth + 1);
                var whenFalse = Resolve(conditional.WhenFalse, root, depth + 1);
                return whenTrue.Count == 0 || whenFalse.Count == 0 ? [] : [.. whenTrue, .. whenFalse];

            case InterpolatedStringExpressionSyntax interpolated:
                List<string> texts = [""];
                foreach (var part in interpolated.Contents)
                {
                    var pieces = part switch
                    {
                        InterpolatedStringTextSyntax text => [text.TextToken.ValueText],
                        InterpolationSyntax hole => Resolve(hole.Expression, root, depth + 1),
                        _ => [],
                    };
                    texts = Combine(texts, pieces);
                }

                return texts;

            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Limit" } } limit
                when limit.ArgumentList.Arguments.Count == 2 && int.TryParse(limit.ArgumentList.Arguments[1].Expression.ToString(), out var rows):
                return Resolve(limit.ArgumentList.Arguments[0].Expression, root, depth + 1).Select(sql => SqlServer.Limit(sql, rows)).ToList();

            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Limit" } } limit
                when limit.ArgumentList.Arguments.Count == 2:
                // A computed row count: any number gives the same syntax.
                return Resolve(limit.ArgumentList.Arguments[0].Expression, root, depth + 1).Select(sql => SqlServer.Limit(sql, 100)).ToList();

            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Join", Expression: PredefinedTypeSyntax or IdentifierNameSyntax { Identifier.ValueText: "String" } } } join
                when join.ArgumentList.Arguments is [var separator, { Expression: IdentifierNameSyntax list }]:
                // Every condition the code may add, all at once: the widest statement the list can make.
                var items = ListItems(list, root, depth);
                return items.Count == 0 ? [] : Resolve(separator.Expression, root, depth + 1).Select(sep => string.Join(sep, items)).ToList();

            case InvocationExpressionSyntax { Expression: IdentifierNameSyntax helper } when
                root.DescendantNodes().OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == helper.Identifier.ValueText && m.ReturnType.ToString() == "string") is { } declaration:
                var returned = declaration.ExpressionBody is { } arrow
                    ? [arrow.Expression]
                    : declaration.DescendantNodes().OfType<ReturnStatementSyntax>().Select(r => r.Expression).Where(e => e is not null).Select(e => e!).ToList();
                var texts2 = returned.Select(e => Resolve(e, root, depth + 1)).ToList();
                return texts2.Any(t => t.Count == 0) ? [] : texts2.SelectMany(t => t).ToList();

            case IdentifierNameSyntax identifier:
                return ResolveName(identifier, root, depth);

            case MemberAccessExpressionSyntax { Name: IdentifierNameSyntax member }:
                return ResolveName(member, root, depth);

            default:
                return [];
        }
    }

    /// <summary>A local (its initialiser and every assignment), a field or constant of the file, or a parameter (the arguments of every call of the method in the file).</summary>
    private static List<string> ResolveName(IdentifierNameSyntax identifier, SyntaxNode root, int depth)
    {
        var name = identifier.Identifier.ValueText;
        var method = identifier.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault();
        var scope = (SyntaxNode?)identifier.Ancestors().OfType<LocalFunctionStatementSyntax>().FirstOrDefault() ?? method;
        if (scope is not null)
        {
            var locals = scope.DescendantNodes().OfType<VariableDeclaratorSyntax>().Where(v => v.Identifier.ValueText == name && v.Initializer is not null).ToList();
            if (locals.Count > 0)
            {
                var values = locals.SelectMany(v => Resolve(v.Initializer!.Value, root, depth + 1)).ToList();
                var assigned = scope.DescendantNodes().OfType<AssignmentExpressionSyntax>()
                    .Where(a => a.Left is IdentifierNameSyntax left && left.Identifier.ValueText == name)
                    .Select(a => (a.Kind(), Values: Resolve(a.Right, root, depth + 1)))
                    .ToList();
                foreach (var (kind, more) in assigned)
                {
                    values = kind == SyntaxKind.AddAssignmentExpression ? [.. values, .. Combine(values, more)] : [.. values, .. more];
                }

                return values.Distinct(StringComparer.Ordinal).ToList();
            }
        }

        var fields = root.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Where(v => v.Identifier.ValueText == name && v.Initializer is not null && v.Parent?.Parent is FieldDeclarationSyntax)
            .ToList();
        if (fields.Count > 0)
        {
            return fields.SelectMany(f => Resolve(f.Initializer!.Value, root, depth + 1)).ToList();
        }

        var properties = root.DescendantNodes().OfType<PropertyDeclarationSyntax>().Where(p => p.Identifier.ValueText == name).ToList();
        if (properties.Count > 0)
        {
            return properties.SelectMany(p => p.ExpressionBody is { } body ? Resolve(body.Expression, root, depth + 1) : p.Initializer is { } init ? Resolve(init.Value, root, depth + 1) : []).ToList();
        }

        if (method is MethodDeclarationSyntax declared && declared.ParameterList.Parameters.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Identifier.ValueText == name) is { p: not null } parameter)
        {
            // Unqualified calls of the method in its own file (a private helper's callers).
            var callers = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Where(c => c.Expression is SimpleNameSyntax callee && callee.Identifier.ValueText == declared.Identifier.ValueText
                    && c.ArgumentList.Arguments.Count >= declared.ParameterList.Parameters.Count(p => p.Default is null))
                .Select(c => c.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name)
                    ?? (c.ArgumentList.Arguments.Count > parameter.i ? c.ArgumentList.Arguments[parameter.i] : null))
                .Where(a => a is not null)
                .ToList();
            return callers.SelectMany(a => Resolve(a!.Expression, root, depth + 1)).ToList();
        }

        return [];
    }

    private static List<string> Combine(List<string> left, List<string> right) =>
        left.Count == 0 || right.Count == 0 ? [] : left.SelectMany(l => right.Select(r => l + r)).Take(64).ToList();

    [GeneratedRegex(@"(?<![@\w])@([A-Za-z_]\w*)")]
    private static partial Regex Used();

    [GeneratedRegex(@"DECLARE\s+@(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex Declared();

    [GeneratedRegex(@"\bIN\s+@(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex InList();
}

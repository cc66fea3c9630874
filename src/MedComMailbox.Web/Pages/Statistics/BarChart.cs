using MedComMailbox.Workflow.Statistics;

namespace MedComMailbox.Web.Pages.Statistics;

/// <summary>One indicator as a table with a bar per row (the partial <c>_Bars</c>).</summary>
public sealed record BarChart(string Caption, string CategoryHeader, IReadOnlyList<IndicatorCount> Rows, bool ShowTotal = true);

using Spectre.Console;

namespace Digit.Bench.Support;

/// <summary>A table of figures, each with its target and a ✓ or ✗ when it has one.</summary>
internal sealed class FigureTable
{
    private readonly Table _table;

    public FigureTable(string title)
    {
        _table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumn("figure")
            .AddColumn(new TableColumn("value").RightAligned())
            .AddColumn("target")
            .AddColumn("");
    }

    public FigureTable Add(string figure, string value, string target = "", bool? met = null)
    {
        var mark = met switch
        {
            true => "[green]✓[/]",
            false => "[red]✗[/]",
            null => "",
        };
        _table.AddRow(Markup.Escape(figure), Markup.Escape(value), Markup.Escape(target), mark);
        return this;
    }

    public void Write() => AnsiConsole.Write(_table);
}

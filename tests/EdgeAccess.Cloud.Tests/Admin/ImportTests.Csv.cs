using EdgeAccess.Cloud.Admin.Import;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary>The hand-written RFC 4180 reader behind the CSV import (no hub needed).</summary>
public sealed class ImportCsvReaderTests
{
    [Fact]
    public void Read_QuotesEscapedQuotesCommasAndLineBreaksInFields_Unquoted()
    {
        var records = CsvReader.Read("\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nplain,,\"\"\r\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\"", "two\r\nlines"], records[1].Fields);
        Assert.Equal(["plain", "", ""], records[2].Fields);
        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Read_LfCrAndMissingFinalLineBreak_BlankLinesSkipped_LinesCounted()
    {
        var records = CsvReader.Read("h1,h2\n\n1,2\r3,4\r\n\r\n  \"5\" ,6");

        Assert.Equal([["h1", "h2"], ["1", "2"], ["3", "4"], ["5", "6"]], records.Select(r => r.Fields.ToArray()));
        Assert.Equal([1, 3, 4, 6], records.Select(r => r.Line));
    }

    [Fact]
    public void Read_StrayQuoteOrTextAfterClosingQuote_RecordErrorsAndReadingGoesOn()
    {
        var records = CsvReader.Read("a,b\nx\"y,1\n\"ok\"z,2\ngood,3\n");

        Assert.Contains("column 1: a quote inside an unquoted field", records[1].Error, StringComparison.Ordinal);
        Assert.Contains("column 1: text after a closing quote", records[2].Error, StringComparison.Ordinal);
        Assert.Null(records[3].Error);
        Assert.Equal(["good", "3"], records[3].Fields);
        Assert.Equal(4, records[3].Line);
    }

    [Fact]
    public void Read_UnterminatedQuote_ErrorAtItsLine()
    {
        var records = CsvReader.Read("a,b\n1,\"never closed\n2,3\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(2, records[1].Line);
        Assert.Contains("never closed", records[1].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\r\n\n")]
    public void Read_NothingButBlanks_NoRecords(string text)
    {
        Assert.Empty(CsvReader.Read(text));
    }
}

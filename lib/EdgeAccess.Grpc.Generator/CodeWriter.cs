using System.Text;

namespace EdgeAccess.Grpc.Generator;

/// <summary>Builds indented C# text. Lines end in '\n' on every platform, so output is deterministic.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes one line at the current indentation (an empty line has no indentation).</summary>
    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void Open()
    {
        Line("{");
        _indent++;
    }

    /// <summary>Unindents and writes <c>}</c>.</summary>
    public void Close()
    {
        _indent--;
        Line("}");
    }

    /// <summary>Indents the following lines by one more level.</summary>
    public void Indent() => _indent++;

    /// <summary>Undoes one <see cref="Indent"/>.</summary>
    public void Unindent() => _indent--;

    /// <inheritdoc />
    public override string ToString() => _text.ToString();
}

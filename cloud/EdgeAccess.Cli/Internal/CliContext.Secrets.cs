using System.Text;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// Reading passwords and card numbers. They never come from the command line (it lands in shell
/// history and in <c>ps</c>): on a terminal we prompt without echo, otherwise the first line of
/// standard input is the value, and only when the user said so with the <c>-stdin</c> flag.
/// </summary>
internal sealed partial class CliContext
{
    public async Task<string> ReadSecretAsync(string prompt, bool fromStdin, string flag, CancellationToken ct)
    {
        string? value;
        if (Interactive)
        {
            value = ReadHidden(prompt);
        }
        else if (fromStdin)
        {
            value = await In.ReadLineAsync(ct).ConfigureAwait(false);
        }
        else
        {
            throw CliException.Usage($"no terminal to prompt on: pass {flag} and write the value to standard input");
        }

        value = value?.TrimEnd('\r', '\n');
        if (string.IsNullOrWhiteSpace(value))
        {
            throw CliException.Usage($"{flag}: no value on standard input");
        }

        return value;
    }

    private string ReadHidden(string prompt)
    {
        Error.Write(prompt);
        Error.Flush();
        var value = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (value.Length > 0)
                {
                    value.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                value.Append(key.KeyChar);
            }
        }

        Error.WriteLine();
        return value.ToString();
    }
}

using Google.Protobuf;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// The <c>--json</c> output: a response in the protobuf JSON mapping (proto3 JSON, lowerCamelCase
/// names, enums by name), default values included so a script sees every field.
/// </summary>
internal static class ProtoJson
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation("  "));

    public static void Write(TextWriter output, IMessage message) => output.WriteLine(Formatter.Format(message));
}

using System.Text;
using EdgeAccess.Grpc.Generator.Descriptors;

namespace EdgeAccess.Grpc.Generator;

/// <summary>
/// The C# names protoc's C# generator gives to what a .proto file declares. The message classes
/// come from protoc, so these must match it exactly; each method ports the function of the same
/// purpose in protobuf's <c>src/google/protobuf/compiler/csharp/names.cc</c>.
/// </summary>
internal static class CSharpNames
{
    /// <summary>
    /// <c>GetFileNamespace</c>: the <c>csharp_namespace</c> option when present (even if empty),
    /// else the package converted part by part, e.g. <c>grpc.reflection.v1alpha</c> →
    /// <c>Grpc.Reflection.V1Alpha</c>.
    /// </summary>
    public static string FileNamespace(ProtoFile file) =>
        file.CSharpNamespace ?? UnderscoresToCamelCase(file.Package, capNextLetter: true, preservePeriod: true);

    /// <summary>
    /// <c>GetReflectionClassName</c>: <c>global::</c>-qualified <c>{FileBase}Reflection</c>, where
    /// FileBase is the file name after the last <c>/</c>, without its last extension, in PascalCase
    /// (<c>server_info.proto</c> → <c>ServerInfoReflection</c>).
    /// </summary>
    public static string ReflectionClassName(ProtoFile file) =>
        Qualify(FileNamespace(file), ReflectionClassUnqualifiedName(file.Name));

    /// <summary><c>GetReflectionClassUnqualifiedName</c> for a file path.</summary>
    public static string ReflectionClassUnqualifiedName(string fileName)
    {
        var baseName = fileName.Substring(fileName.LastIndexOf('/') + 1);
        var dot = baseName.LastIndexOf('.');
        if (dot >= 0)
        {
            baseName = baseName.Substring(0, dot);
        }

        return UnderscoresToPascalCase(baseName) + "Reflection";
    }

    /// <summary>
    /// <c>ToCSharpName</c> for a message: the file namespace, then the name relative to the package
    /// with every nesting step written as <c>.Types.</c> (<c>pkg.Outer.Inner</c> →
    /// <c>global::Ns.Outer.Types.Inner</c>).
    /// </summary>
    /// <param name="file">The file that declares the message.</param>
    /// <param name="relativeName">The message's full name without the package, e.g. <c>Outer.Inner</c>.</param>
    public static string MessageClassName(ProtoFile file, string relativeName) =>
        Qualify(FileNamespace(file), relativeName.Replace(".", ".Types."));

    /// <summary><c>UnderscoresToPascalCase</c>.</summary>
    public static string UnderscoresToPascalCase(string input) =>
        UnderscoresToCamelCase(input, capNextLetter: true, preservePeriod: false);

    /// <summary>
    /// <c>UnderscoresToCamelCase</c>: ASCII letters after '_', any other non-alphanumeric or a digit
    /// are capitalized and those separators dropped ('.' kept when <paramref name="preservePeriod"/>);
    /// an upper-case first letter is lowered unless <paramref name="capNextLetter"/>; a trailing '#'
    /// appends '_'; a result starting with a digit keeps a leading '_' of the input.
    /// </summary>
    public static string UnderscoresToCamelCase(string input, bool capNextLetter, bool preservePeriod)
    {
        var result = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c is >= 'a' and <= 'z')
            {
                result.Append(capNextLetter ? (char)(c - 'a' + 'A') : c);
                capNextLetter = false;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                result.Append(i == 0 && !capNextLetter ? (char)(c - 'A' + 'a') : c);
                capNextLetter = false;
            }
            else if (c is >= '0' and <= '9')
            {
                result.Append(c);
                capNextLetter = true;
            }
            else
            {
                capNextLetter = true;
                if (c == '.' && preservePeriod)
                {
                    result.Append('.');
                }
            }
        }

        if (input.Length > 0 && input[input.Length - 1] == '#')
        {
            result.Append('_');
        }

        // protobuf issue 8101: an identifier cannot start with a digit.
        if (result.Length > 0 && result[0] is >= '0' and <= '9' && input.Length > 0 && input[0] == '_')
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    /// <summary><c>global::Namespace.Name</c>, or <c>global::Name</c> for the global namespace.</summary>
    public static string Qualify(string @namespace, string name) =>
        @namespace.Length == 0 ? "global::" + name : "global::" + @namespace + "." + name;
}

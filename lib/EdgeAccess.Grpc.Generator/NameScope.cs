using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeAccess.Grpc.Generator;

/// <summary>
/// The member names of one generated class. A wanted name that equals the class's own name
/// (CS0542), a name already claimed in the class, or an inherited member it must not hide gets
/// '_' appended until it is free — the convention protoc's C# generator uses when a property
/// would clash with its class name. Earlier claims win, so the fixed members of the generated
/// shape keep their names and proto methods yield, in descriptor order.
/// </summary>
internal sealed class NameScope
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <param name="displayName">How diagnostics name the class, e.g. <c>p.S.Client</c>.</param>
    /// <param name="className">The class's C# name (members may not repeat it).</param>
    /// <param name="inherited">Inherited member names a generated member would hide.</param>
    public NameScope(string displayName, string className, params string[] inherited)
    {
        DisplayName = displayName;
        _taken.Add(className);
        foreach (var name in inherited)
        {
            _taken.Add(name);
        }
    }

    /// <summary>How diagnostics name the class.</summary>
    public string DisplayName { get; }

    /// <summary>Claims <paramref name="wanted"/>, or the first free name made by appending '_'.</summary>
    /// <param name="wanted">The name the generated shape gives the member.</param>
    /// <param name="what">What the member is, for the rename note, e.g. <c>method p.S/Descriptor</c>.</param>
    /// <param name="renames">Receives a note when the name had to change.</param>
    public string Claim(string wanted, string what, List<Rename> renames)
    {
        var name = wanted;
        while (!_taken.Add(name))
        {
            name += "_";
        }

        if (name != wanted)
        {
            renames.Add(new Rename(what, name, DisplayName, wanted));
        }

        return name;
    }

    /// <summary>Writes a name as a C# identifier: reserved keywords get the verbatim prefix '@'.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.IsReservedKeyword(SyntaxFacts.GetKeywordKind(name)) ? "@" + name : name;
}

/// <summary>A generated member that could not take the name the generated shape gives it.</summary>
internal sealed class Rename
{
    public Rename(string what, string newName, string scope, string wantedName)
    {
        What = what;
        NewName = newName;
        Scope = scope;
        WantedName = wantedName;
    }

    public string What { get; }

    public string NewName { get; }

    public string Scope { get; }

    public string WantedName { get; }
}

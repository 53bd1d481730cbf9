using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace EmrPortal.Web.Services;

/// <summary>
/// The rules of a large stylesheet (MudBlazor's, ~640 KB) that a given document can use: every style rule with at
/// least one selector whose classes (outside <c>:not()</c>, <c>:is()</c> and other functional pseudo-classes) all
/// appear in the document, every rule without a class in its selector, and the at-rules those need (<c>@media</c>,
/// <c>@supports</c> and <c>@layer</c> blocks keep only their used rules; <c>@keyframes</c>, <c>@font-face</c> and the rest
/// are kept whole). Keeping too much is harmless; the parse is deliberately generous. Parsed once; the result for one set
/// of classes is cached (a page type renders the same classes every time). docs/decisions.md#critical-path.
/// </summary>
public sealed partial class CriticalCss
{
    private const int MaxCached = 64;
    private readonly List<Node> _nodes;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    public CriticalCss(string stylesheet)
    {
        var position = 0;
        _nodes = Parse(stylesheet, ref position);
        FullLength = stylesheet.Length;
    }

    /// <summary>Characters of the whole stylesheet.</summary>
    public int FullLength { get; }

    /// <summary>The classes used by <paramref name="html"/>'s <c>class</c> attributes.</summary>
    public static HashSet<string> ClassesIn(string html)
    {
        var classes = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in ClassAttribute().Matches(html))
        {
            foreach (var name in m.Groups["v"].Value.Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries))
            {
                classes.Add(System.Net.WebUtility.HtmlDecode(name));
            }
        }

        return classes;
    }

    /// <summary>The rules a document using <paramref name="classes"/> can match, as one stylesheet.</summary>
    public string For(IReadOnlySet<string> classes)
    {
        var key = string.Join(' ', classes.Order(StringComparer.Ordinal));
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var sb = new StringBuilder();
        Write(_nodes, classes, sb);
        var css = sb.ToString();
        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[key] = css;
        return css;
    }

    private static bool Write(List<Node> nodes, IReadOnlySet<string> classes, StringBuilder sb)
    {
        var any = false;
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Rule rule when rule.Selectors.Any(required => required.All(classes.Contains)):
                    sb.Append(rule.Text);
                    any = true;
                    break;
                case Group group:
                    var mark = sb.Length;
                    sb.Append(group.Prelude).Append('{');
                    if (Write(group.Children, classes, sb))
                    {
                        sb.Append('}');
                        any = true;
                    }
                    else
                    {
                        sb.Length = mark;
                    }

                    break;
                case Verbatim verbatim:
                    sb.Append(verbatim.Text);
                    any = true;
                    break;
            }
        }

        return any;
    }

    private abstract record Node;

    /// <summary>A style rule: for each selector of its list, the classes an element must have for it to match.</summary>
    private sealed record Rule(string Text, string[][] Selectors) : Node;

    /// <summary>A conditional group rule (<c>@media</c>, <c>@supports</c>, <c>@layer</c>, <c>@container</c>) of rules.</summary>
    private sealed record Group(string Prelude, List<Node> Children) : Node;

    /// <summary>Anything else (<c>@keyframes</c>, <c>@font-face</c>, <c>@import</c>…), kept as written.</summary>
    private sealed record Verbatim(string Text) : Node;

    private static List<Node> Parse(string css, ref int i)
    {
        var nodes = new List<Node>();
        while (true)
        {
            SkipTrivia(css, ref i);
            if (i >= css.Length) return nodes;
            if (css[i] == '}')
            {
                i++;
                return nodes;
            }

            var start = i;
            var end = ScanPrelude(css, ref i);
            var prelude = css[start..end].Trim();
            if (i >= css.Length || css[i] == ';')
            {
                // A statement at-rule (@import, @charset, @layer a, b;).
                if (i < css.Length) i++;
                nodes.Add(new Verbatim(css[start..i]));
                continue;
            }

            i++; // '{'
            if (prelude.StartsWith('@'))
            {
                var name = prelude[1..].Split((char[])[' ', '(', '{'], 2)[0].ToLowerInvariant();
                if (name is "media" or "supports" or "layer" or "container" or "document" or "-moz-document")
                {
                    nodes.Add(new Group(prelude, Parse(css, ref i)));
                }
                else
                {
                    SkipBlock(css, ref i);
                    nodes.Add(new Verbatim(css[start..i]));
                }

                continue;
            }

            SkipBlock(css, ref i);
            nodes.Add(new Rule(css[start..i], SplitSelectors(prelude).Select(RequiredClasses).ToArray()));
        }
    }

    private static void SkipTrivia(string css, ref int i)
    {
        while (i < css.Length)
        {
            if (char.IsWhiteSpace(css[i])) i++;
            else if (css[i] == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var close = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? css.Length : close + 2;
            }
            else return;
        }
    }

    /// <summary>Moves to the '{' or ';' that ends a prelude (outside strings and parentheses); returns where it ends.</summary>
    private static int ScanPrelude(string css, ref int i)
    {
        var depth = 0;
        while (i < css.Length)
        {
            var c = css[i];
            if (c is '"' or '\'') SkipString(css, ref i);
            else if (c == '\\') i += 2;
            else if (c == '(') { depth++; i++; }
            else if (c == ')') { depth--; i++; }
            else if ((c == '{' || c == ';') && depth <= 0) return i;
            else i++;
        }

        return i;
    }

    /// <summary>From just after a '{' to just after its matching '}'.</summary>
    private static void SkipBlock(string css, ref int i)
    {
        var depth = 1;
        while (i < css.Length && depth > 0)
        {
            var c = css[i];
            if (c is '"' or '\'') { SkipString(css, ref i); continue; }
            if (c == '\\') { i += 2; continue; }
            if (c == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var close = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? css.Length : close + 2;
                continue;
            }

            if (c == '{') depth++;
            else if (c == '}') depth--;
            i++;
        }
    }

    private static void SkipString(string css, ref int i)
    {
        var quote = css[i++];
        while (i < css.Length && css[i] != quote)
        {
            i += css[i] == '\\' ? 2 : 1;
        }

        i++;
    }

    /// <summary>The selector list split at its top-level commas.</summary>
    private static IEnumerable<string> SplitSelectors(string list)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < list.Length; i++)
        {
            var c = list[i];
            if (c == '\\') { i++; continue; }
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ',' && depth == 0)
            {
                yield return list[start..i];
                start = i + 1;
            }
        }

        yield return list[start..];
    }

    /// <summary>The classes a selector requires: those outside parentheses and attribute brackets, unescaped.</summary>
    private static string[] RequiredClasses(string selector)
    {
        var outside = new StringBuilder(selector.Length);
        var depth = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (c == '\\' && i + 1 < selector.Length)
            {
                if (depth == 0) outside.Append(c).Append(selector[i + 1]);
                i++;
                continue;
            }

            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (depth == 0) outside.Append(c);
        }

        return ClassSelector().Matches(outside.ToString())
            .Select(m => EscapedCharacter().Replace(m.Groups["name"].Value, "$1"))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    [GeneratedRegex("\\bclass=\"(?<v>[^\"]*)\"")]
    private static partial Regex ClassAttribute();

    [GeneratedRegex("""\.(?<name>(?:\\.|[A-Za-z0-9_\-]|[^\x00-\x7F])+)""")]
    private static partial Regex ClassSelector();

    [GeneratedRegex("""\\(.)""")]
    private static partial Regex EscapedCharacter();
}

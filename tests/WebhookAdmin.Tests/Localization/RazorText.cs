using System.Text;
using System.Text.RegularExpressions;

namespace WebhookAdmin.Tests.Localization;

/// <summary>
/// Finds what a person would read in a <c>.razor</c> file that does not come from resources: literal text between tags,
/// literal values of the attributes people read or hear (<c>Label=</c>, <c>aria-label=</c>, …), and prose in C# string
/// literals (in <c>@code</c>, <c>@(…)</c> and attribute expressions) unless the literal is a resource key. A small scanner
/// for the Razor this repository writes, not a Razor parser: it knows tags, quoted attributes, <c>@</c> expressions,
/// control-flow blocks and <c>@&lt;tag&gt;</c> templates.
/// </summary>
public static partial class RazorText
{
    /// <summary>Attributes whose value is read or heard: MudBlazor's parameters and HTML's own.</summary>
    public static readonly IReadOnlySet<string> SpokenAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Label", "Placeholder", "Text", "Title", "HelperText", "ErrorText", "DataLabel", "AriaLabel", "AdornmentAriaLabel", "SortLabel",
        "Message", "ConfirmText", "CancelText", "YesText", "NoText", "RowsPerPageString", "InfoFormat", "AllItemsText", "Tooltip",
        "title", "aria-label", "alt", "placeholder", "aria-description", "aria-roledescription",
    };

    /// <summary>
    /// What may be literal, and why: the product's name (a proper noun, the same in every language); and lowercase code
    /// words that appear as C# strings in markup: ARIA and HTML attribute values, never shown as text.
    /// </summary>
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "WebhookAdmin",
        "true", "false", "none", "ascending", "descending", "dark", "light", "logs",
    };

    public sealed record Finding(int Line, string Text);

    public static IReadOnlyList<Finding> Literals(string razor)
    {
        var scanner = new Scanner(RazorComment().Replace(razor, m => new string('\n', m.Value.Count(c => c == '\n'))));
        scanner.Markup(untilTemplateEnd: false);
        return scanner.Findings;
    }

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex RazorComment();

    [GeneratedRegex(@"\p{L}")]
    private static partial Regex Letter();

    [GeneratedRegex(@"\p{L}\s+\p{L}")]
    private static partial Regex TwoWords();

    /// <summary>C# between markup inside a block: <c>case X:</c>, <c>break;</c>, <c>else</c>, <c>else if (…)</c> with nested parentheses.</summary>
    [GeneratedRegex(@"\b(case\s+[\w.]+\s*:|break\s*;|default\s*:|else\s+if\s*\((?>[^()]+|\((?<d>)|\)(?<-d>))*(?(d)(?!))\)|else)")]
    private static partial Regex FlowKeywords();

    private static bool IsProse(string text)
    {
        text = text.Trim();
        return text.Length > 0 && Letter().IsMatch(text) && !Allowed.Contains(text) && !AddressOrIdentifier().IsMatch(text);
    }

    /// <summary>
    /// One token that is an address, a path, a query or a kebab/snake-case name (<c>https://</c>, <c>account/login?returnUrl=</c>,
    /// <c>field-name</c>): code, not words. A single word with a full stop is still prose.
    /// </summary>
    [GeneratedRegex(@"^[\w./?=&#:%~+-]*[/?=&#:_-][\w./?=&#:%~+-]*$")]
    private static partial Regex AddressOrIdentifier();

    /// <summary>A C# literal that reads as words: anything with a capital letter or two words; single lowercase words unless code.</summary>
    private static bool IsProseLiteral(string literal)
    {
        literal = literal.Trim();
        if (!IsProse(literal))
            return false;
        var looksLikeCode = !literal.Any(char.IsUpper) && !TwoWords().IsMatch(literal) && !Regex.IsMatch(literal, @"^\p{Ll}+$");
        return !looksLikeCode;
    }

    private sealed class Scanner(string source)
    {
        private static readonly string[] Directives = ["page", "using", "inject", "attribute", "implements", "inherits", "typeparam", "layout", "rendermode", "namespace", "preservewhitespace"];
        private static readonly string[] BlockKeywords = ["if", "foreach", "for", "while", "switch", "using", "lock"];

        private int _i;

        public List<Finding> Findings { get; } = [];

        private int Line(int at) => source.Take(at).Count(c => c == '\n') + 1;

        private char At(int i) => i >= 0 && i < source.Length ? source[i] : '\0';

        /// <summary>Markup until the end of the file, or (for a <c>@&lt;tag&gt;</c> template) until its first element closes.</summary>
        public void Markup(bool untilTemplateEnd)
        {
            var depth = 0;
            var text = new StringBuilder();
            var textStart = _i;
            void FlushText()
            {
                var words = FlowKeywords().Replace(text.ToString(), " ").Replace("{", " ").Replace("}", " ");
                if (IsProse(words))
                    Findings.Add(new Finding(Line(textStart), words.Trim()));
                text.Clear();
                textStart = _i;
            }

            while (_i < source.Length)
            {
                var c = source[_i];
                if (c == '<' && At(_i + 1) == '!')
                {
                    FlushText();
                    var end = source.IndexOf('>', _i);
                    _i = end < 0 ? source.Length : end + 1;
                }
                else if (c == '<' && (char.IsLetter(At(_i + 1)) || At(_i + 1) == '/'))
                {
                    FlushText();
                    var closing = At(_i + 1) == '/';
                    var selfClosing = Tag();
                    if (untilTemplateEnd)
                    {
                        depth += closing ? -1 : selfClosing ? 0 : 1;
                        if (depth <= 0)
                            return;
                    }
                }
                else if (c == '@' && At(_i + 1) == '@')
                {
                    text.Append('@');
                    _i += 2;
                }
                else if (c == '@' && !char.IsLetterOrDigit(At(_i - 1)))
                {
                    FlushText();
                    Transition();
                }
                else
                {
                    text.Append(c);
                    _i++;
                }
            }
            FlushText();
        }

        /// <summary>After an <c>@</c> in markup: a directive, <c>@code</c>, a block, a control-flow head or an expression.</summary>
        private void Transition()
        {
            _i++;
            var word = Regex.Match(source[_i..], @"^\w+").Value;
            if (Directives.Contains(word))
            {
                var end = source.IndexOf('\n', _i);
                _i = end < 0 ? source.Length : end + 1;
            }
            else if (word is "code" or "functions")
            {
                _i += word.Length;
                while (char.IsWhiteSpace(At(_i)))
                    _i++;
                CSharp(_i, BalancedEnd(_i));
            }
            else if (BlockKeywords.Contains(word))
            {
                // @if (…) / @foreach (…): the head is C#, the braces that follow hold markup again.
                _i += word.Length;
                while (char.IsWhiteSpace(At(_i)))
                    _i++;
                if (At(_i) == '(')
                    CSharp(_i, BalancedEnd(_i));
            }
            else if (At(_i) is '(' or '{')
            {
                CSharp(_i, BalancedEnd(_i));
            }
            else
            {
                Implicit();
            }
        }

        /// <summary><c>@Name.Member(…)[…]</c>: identifiers, dots and balanced groups.</summary>
        private void Implicit()
        {
            var start = _i;
            while (_i < source.Length)
            {
                if (char.IsLetterOrDigit(source[_i]) || source[_i] == '_')
                    _i++;
                else if (source[_i] == '.' && (char.IsLetter(At(_i + 1)) || At(_i + 1) == '_'))
                    _i++;
                else if (source[_i] is '(' or '[')
                    _i = BalancedEnd(_i);
                else
                    break;
            }
            CSharpLiterals(start, _i);
        }

        /// <summary>Reads a tag and its attributes; says whether it closes itself.</summary>
        private bool Tag()
        {
            _i++;
            if (At(_i) == '/')
                _i++;
            while (_i < source.Length && !char.IsWhiteSpace(source[_i]) && source[_i] is not ('>' or '/'))
                _i++;
            while (_i < source.Length)
            {
                while (char.IsWhiteSpace(At(_i)))
                    _i++;
                if (At(_i) == '>')
                {
                    _i++;
                    return false;
                }
                if (At(_i) == '/' && At(_i + 1) == '>')
                {
                    _i += 2;
                    return true;
                }
                var nameStart = _i;
                while (_i < source.Length && !char.IsWhiteSpace(source[_i]) && source[_i] is not ('=' or '>') && !(source[_i] == '/' && At(_i + 1) == '>'))
                    _i++;
                var name = source[nameStart.._i];
                if (At(_i) != '=')
                    continue;
                _i++;
                Attribute(name);
            }
            return false;
        }

        private void Attribute(string name)
        {
            var line = Line(_i);
            if (At(_i) is not ('"' or '\''))
            {
                var start = _i;
                while (_i < source.Length && !char.IsWhiteSpace(source[_i]) && source[_i] != '>')
                    _i++;
                Judge(name, source[start.._i], line);
                return;
            }

            var quote = source[_i++];
            var valueStart = _i;
            if (At(_i) == '@' && At(_i + 1) != '@')
            {
                _i++;
                if (At(_i) == '(')
                    CSharp(_i, BalancedEnd(_i));
                else
                    Implicit();
                var rest = source.IndexOf(quote, _i);
                _i = rest < 0 ? source.Length : rest + 1;
                return;
            }

            // A literal, or C# for a component parameter (a lambda, a condition): nested brackets may hold strings.
            var depth = 0;
            while (_i < source.Length && !(source[_i] == quote && depth == 0))
            {
                if (source[_i] is '(' or '[' or '{')
                    depth++;
                else if (source[_i] is ')' or ']' or '}')
                    depth--;
                else if (source[_i] == '"' && depth > 0)
                    _i = StringEnd(_i) - 1;
                _i++;
            }
            var value = source[valueStart.._i];
            _i++;
            if (value.Contains('(') || value.Contains("=>"))
                CSharpLiterals(valueStart, valueStart + value.Length);
            else
                Judge(name, value, line);
        }

        private void Judge(string name, string value, int line)
        {
            if (SpokenAttributes.Contains(name) && IsProse(value))
                Findings.Add(new Finding(line, $"{name}=\"{value}\""));
        }

        /// <summary>C# from <paramref name="start"/> to <paramref name="end"/>, with any <c>@&lt;tag&gt;</c> template in it read as markup.</summary>
        private void CSharp(int start, int end)
        {
            var at = start;
            for (var i = start; i < end; i++)
            {
                if (CommentEnd(i) is > 0 and var afterComment)
                    i = afterComment - 1;
                else if (source[i] == '"' || (source[i] is '@' or '$' && At(i + 1) == '"'))
                {
                    i = StringEnd(source[i] == '"' ? i : i + 1) - 1;
                }
                else if (source[i] == '\'')
                {
                    i = source.IndexOf('\'', i + (At(i + 1) == '\\' ? 3 : 2));
                }
                else if (source[i] == '@' && At(i + 1) == '<')
                {
                    CSharpLiterals(at, i);
                    _i = i + 1;
                    Markup(untilTemplateEnd: true);
                    at = _i;
                    i = _i - 1;
                }
            }
            CSharpLiterals(at, end);
            _i = end;
        }

        /// <summary>Flags prose in the string literals of C# in [start, end), except resource keys.</summary>
        private void CSharpLiterals(int start, int end)
        {
            var brackets = new Stack<(char Open, string Before, bool PastComma)>();
            for (var i = start; i < end; i++)
            {
                var c = source[i];
                if (CommentEnd(i) is > 0 and var afterComment)
                {
                    i = afterComment - 1;
                }
                else if (c is '(' or '[')
                {
                    var before = Regex.Match(source[start..i], @"([\w.]*)\s*$").Groups[1].Value;
                    brackets.Push((c, before, false));
                }
                else if (c is ')' or ']' && brackets.Count > 0)
                {
                    brackets.Pop();
                }
                else if (c == ',' && brackets.Count > 0)
                {
                    var top = brackets.Pop();
                    brackets.Push(top with { PastComma = true });
                }
                else if (c == '\'')
                {
                    i = source.IndexOf('\'', i + (At(i + 1) == '\\' ? 3 : 2));
                }
                else if (c == '"' || (c is '@' or '$' && At(i + 1) == '"') || (c == '$' && At(i + 1) == '@'))
                {
                    var literalStart = c == '"' ? i : At(i + 1) == '"' ? i + 1 : i + 2;
                    var literalEnd = StringEnd(literalStart);
                    var literal = LiteralText(literalStart, literalEnd);
                    var isKey = brackets.TryPeek(out var top) && !top.PastComma
                        && ((top.Open == '[' && top.Before.Length > 0 && top.Before != "new") || top.Before.EndsWith("Plural") || top.Before.EndsWith("Markup") || top.Before == "nameof");
                    if (!isKey && IsProseLiteral(literal))
                        Findings.Add(new Finding(Line(literalStart), "\"" + literal + "\""));
                    i = literalEnd - 1;
                }
            }
        }

        /// <summary>
        /// Just past the closing quote of the string literal opening at <paramref name="quote"/> (<c>@"…"</c> and <c>$"…{hole}…"</c>
        /// included: a hole may hold strings of its own).
        /// </summary>
        private int StringEnd(int quote)
        {
            var verbatim = At(quote - 1) == '@';
            var interpolated = At(quote - 1) == '$';
            for (var i = quote + 1; i < source.Length; i++)
            {
                if (!verbatim && source[i] == '\\')
                    i++;
                else if (source[i] == '"' && verbatim && At(i + 1) == '"')
                    i++;
                else if (interpolated && source[i] == '{' && At(i + 1) == '{')
                    i++;
                else if (interpolated && source[i] == '{')
                    i = BalancedEnd(i) - 1;
                else if (source[i] == '"')
                    return i + 1;
            }
            return source.Length;
        }

        /// <summary>The words of a literal: an interpolated one's holes become spaces (their own literals are judged on their own).</summary>
        private string LiteralText(int quote, int end)
        {
            if (At(quote - 1) != '$')
                return source[(quote + 1)..(end - 1)];
            var text = new StringBuilder();
            for (var i = quote + 1; i < end - 1; i++)
            {
                if (source[i] == '{' && At(i + 1) != '{')
                {
                    var holeEnd = BalancedEnd(i);
                    CSharpLiterals(i + 1, holeEnd - 1);
                    text.Append(' ');
                    i = holeEnd - 1;
                }
                else
                {
                    text.Append(source[i]);
                }
            }
            return text.ToString();
        }

        /// <summary>Just past a C# comment starting at <paramref name="i"/> (apostrophes in comments are not char literals); 0 when none starts there.</summary>
        private int CommentEnd(int i)
        {
            if (At(i) != '/' || At(i + 1) is not ('/' or '*'))
                return 0;
            var end = At(i + 1) == '/' ? source.IndexOf('\n', i) : source.IndexOf("*/", i + 2, StringComparison.Ordinal) + 1;
            return end <= 0 ? source.Length : end + 1;
        }

        /// <summary>Just past the bracket that closes the one at <paramref name="open"/>, skipping strings and chars.</summary>
        private int BalancedEnd(int open)
        {
            var depth = 0;
            for (var i = open; i < source.Length; i++)
            {
                var c = source[i];
                if (CommentEnd(i) is > 0 and var afterComment)
                    i = afterComment - 1;
                else if (c == '"' || (c is '@' or '$' && At(i + 1) == '"'))
                    i = StringEnd(c == '"' ? i : i + 1) - 1;
                else if (c == '\'')
                    i = source.IndexOf('\'', i + (At(i + 1) == '\\' ? 3 : 2));
                else if (c is '(' or '[' or '{')
                    depth++;
                else if (c is ')' or ']' or '}' && --depth == 0)
                    return i + 1;
            }
            return source.Length;
        }
    }
}

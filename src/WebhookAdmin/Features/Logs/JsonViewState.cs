namespace WebhookAdmin.Features.Logs;

/// <summary>
/// What the JSON viewer has on screen, keyed by node path: which containers are open, how many children each shows,
/// which long strings are shown whole. A document opens expanded in document order until about
/// <see cref="RenderBudget"/> nodes are shown; what follows starts collapsed. Small documents (every event we send
/// ourselves) are therefore fully open, while a 1 MiB one renders a few hundred nodes instead of tens of thousands:
/// Blazor Server sends every rendered node to the browser, and an event of 5,000 records (65,000 nodes, all open) did
/// not show within 20 s in Chromium.
/// </summary>
public sealed class JsonViewState
{
    /// <summary>Nodes rendered before the rest starts collapsed: a screenful or two, a render batch of a few tens of KB.</summary>
    public const int RenderBudget = 200;

    /// <summary>Children a container shows at first, and how many more each "Show more" adds.</summary>
    public const int PageSize = 100;

    /// <summary>Characters of a string value shown before it is cut: several lines of the tree.</summary>
    public const int StringLimit = 2_000;

    /// <summary>Characters of the Raw view shown before it is cut: about 2,500 lines, still quick to send and lay out.</summary>
    public const int RawLimit = 100_000;

    private readonly HashSet<string> _open = [];
    private readonly Dictionary<string, int> _shown = [];
    private readonly HashSet<string> _wholeStrings = [];

    /// <summary>
    /// Changes with every change of state: the tree re-renders only then, not each time the log panel around it does
    /// (live updates, the Resend button), which re-sent hundreds of unchanged nodes.
    /// </summary>
    public int Version { get; private set; }

    /// <summary>Whether the Raw view shows its whole text rather than its first <see cref="RawLimit"/> characters.</summary>
    public bool WholeRaw { get; private set; }

    /// <summary>Forgets the previous document's state and opens <paramref name="root"/> as far as the budget allows.</summary>
    public void Reset(JsonTreeNode root)
    {
        _open.Clear();
        _shown.Clear();
        _wholeStrings.Clear();
        WholeRaw = false;
        Version++;
        var rendered = 0;
        OpenWithinBudget(root, ref rendered);
    }

    public bool IsOpen(JsonTreeNode node) => _open.Contains(node.Path);

    public void Toggle(JsonTreeNode node)
    {
        if (!_open.Remove(node.Path))
            _open.Add(node.Path);
        Version++;
    }

    /// <summary>The children an open container shows now: the first page, plus every page asked for since.</summary>
    public IEnumerable<JsonTreeNode> ShownChildren(JsonTreeNode node) => node.Children.Take(Shown(node));

    /// <summary>Children not shown yet (0 when all are).</summary>
    public int Remaining(JsonTreeNode node) => Math.Max(0, node.ChildCount - Shown(node));

    /// <summary>How many children the next "Show more" adds.</summary>
    public int NextPage(JsonTreeNode node) => Math.Min(PageSize, Remaining(node));

    public void ShowMore(JsonTreeNode node)
    {
        _shown[node.Path] = Shown(node) + PageSize;
        Version++;
    }

    /// <summary>Whether a string value is cut: longer than <see cref="StringLimit"/> and not asked to be shown whole.</summary>
    public bool IsCut(JsonTreeNode node) => node.Kind == JsonKind.String && node.Text.Length > StringLimit && !_wholeStrings.Contains(node.Path);

    /// <summary>A string value as shown: whole, or its first <see cref="StringLimit"/> characters and "…" when cut.</summary>
    public string ShownText(JsonTreeNode node) => IsCut(node) ? Cut(node.Text, StringLimit) : node.Text;

    public void ShowWhole(JsonTreeNode node)
    {
        _wholeStrings.Add(node.Path);
        Version++;
    }

    /// <summary>The Raw view's text as shown: whole, or its first <see cref="RawLimit"/> characters and "…".</summary>
    public string ShownRaw(string indented) => WholeRaw || indented.Length <= RawLimit ? indented : Cut(indented, RawLimit);

    public bool IsRawCut(string indented) => !WholeRaw && indented.Length > RawLimit;

    public void ShowWholeRaw()
    {
        WholeRaw = true;
        Version++;
    }

    private int Shown(JsonTreeNode node) => _shown.GetValueOrDefault(node.Path, PageSize);

    /// <summary>
    /// Walks the nodes in the order they render, opening each container reached while fewer than
    /// <see cref="RenderBudget"/> nodes are counted; only nodes that will be on screen are visited.
    /// </summary>
    private void OpenWithinBudget(JsonTreeNode node, ref int rendered)
    {
        rendered++;
        if (!node.IsContainer || rendered > RenderBudget)
            return;
        _open.Add(node.Path);
        foreach (var child in ShownChildren(node))
            OpenWithinBudget(child, ref rendered);
    }

    /// <summary>
    /// The first <paramref name="length"/> characters and an ellipsis that says there is more; never ending on half of a
    /// surrogate pair (an emoji).
    /// </summary>
    private static string Cut(string text, int length) =>
        string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[length - 1]) ? length - 1 : length), "…");
}

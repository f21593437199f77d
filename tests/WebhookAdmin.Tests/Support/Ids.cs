namespace WebhookAdmin.Tests.Support;

/// <summary>Company and context ids taken from the product documents' samples.</summary>
public static class Ids
{
    public const string Acme = "625bcbdcc9a8e3a86dbf041c";
    public const string Globex = "626161128f1e9939e05c6ae5";
    public const string Workflow = "6261612a8f1e99002e5c8cce";
    public const string OtherWorkflow = "6261612a8f1e99002e5c8ccf";
    public const string Survey = "6261612a8f1e99e93f5c8d03";
    public const string Group = "6261612a8f1e994b765c8cc8";
}

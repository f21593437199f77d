using Microsoft.AspNetCore.Components;
using MudBlazor;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Features.Logs;

public sealed partial class LogResultChip
{
    [Parameter, EditorRequired] public DeliveryState State { get; set; }

    /// <summary>Attempts made so far: a pending delivery with attempts behind it is retrying.</summary>
    [Parameter] public int Retry { get; set; }

    /// <summary>Succeeded, Failed, Pending or Retrying; the chip's words are the resource <c>Result{Outcome}</c>.</summary>
    private string Outcome => State switch
    {
        DeliveryState.Succeeded => "Succeeded",
        DeliveryState.Failed => "Failed",
        _ => Retry == 0 ? "Pending" : "Retrying",
    };

    /// <summary>The documentation's word for the result, the same in every language.</summary>
    private string Code => State switch
    {
        DeliveryState.Succeeded => "SUCCESS",
        DeliveryState.Failed => "FAILED",
        _ => Retry == 0 ? "PENDING" : "RETRYING",
    };

    private Color Color => State switch
    {
        DeliveryState.Succeeded => Color.Success,
        DeliveryState.Failed => Color.Error,
        _ => Retry == 0 ? Color.Default : Color.Warning,
    };
}

using System.Globalization;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Tests.Localization;

/// <summary>Core's messages are worded in the caller's UI culture; what is stored never is.</summary>
public sealed class CoreMessagesTests : IDisposable
{
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public void Dispose() => CultureInfo.CurrentUICulture = _uiCulture;

    [Fact]
    public void Webhook_rules_speak_english_without_a_culture_and_spanish_for_a_spanish_caller()
    {
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        Assert.Equal("Name is required.", WebhookRules.CheckName(""));
        Assert.Equal("Name must be at most 200 characters.", WebhookRules.CheckName(new string('x', 201)));

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");
        Assert.Equal("El nombre es obligatorio.", WebhookRules.CheckName(""));
        Assert.Equal("El nombre puede tener como máximo 200 caracteres.", WebhookRules.CheckName(new string('x', 201)));
        Assert.Equal("Otro webhook de esta empresa ya usa el código 'crm_sync'.", WebhookRules.CodeTakenMessage("crm_sync"));
        Assert.Equal(("context.taskGroup", "Este disparador necesita un flujo de trabajo."),
            Assert.Single(WebhookRules.CheckContext(WebhookTrigger.Find(WebhookTrigger.Task), WebhookContext.Empty)));
    }

    [Fact]
    public void Trigger_labels_follow_the_ui_culture_and_their_values_never_do()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var english = WebhookTrigger.All.Select(t => (t.Value, t.Label)).ToList();
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");
        var spanish = WebhookTrigger.All.Select(t => (t.Value, t.Label)).ToList();

        Assert.Equal(english.Select(t => t.Value), spanish.Select(t => t.Value));
        Assert.Equal(["Create/Edit/Remove User", "Create/Edit/Remove Task", "Create/Edit/Remove Survey", "Create/Edit/Remove Element", "Create/Edit/Remove Note", "User Logout",
            "Webhook Operations (failing, disabled, recovered, exhausted)"],
            english.Select(t => t.Label));
        Assert.Equal(["Crear/Editar/Eliminar Usuario", "Crear/Editar/Eliminar Tarea", "Crear/Editar/Eliminar Formulario", "Crear/Editar/Eliminar Elemento",
            "Crear/Editar/Eliminar Nota", "Cierre de sesión de usuario",
            "Operaciones de webhooks (fallando, desactivado, recuperado, agotado)"], spanish.Select(t => t.Label));
        Assert.Equal("some-unknown-trigger", WebhookTrigger.LabelOf("some-unknown-trigger"));
    }

    [Fact]
    public void Event_rules_and_resend_refusals_speak_spanish_for_a_spanish_caller()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es");

        var errors = EventRules.Check(new CotEvent("COTOrder", "edit", default));

        Assert.Equal(new[] { "data", "type" }, errors.Keys.Order());
        Assert.StartsWith("El tipo debe ser uno de estos: COTUser, COTTask", errors["type"].Single());
        Assert.Equal("data debe ser un objeto JSON: el registro del que trata el evento.", errors["data"].Single());
        Assert.Equal("Este envío aún está en curso; se podrá reenviar cuando termine.", DeliveryText.Localizer["StillInProgress"].Value);
    }
}

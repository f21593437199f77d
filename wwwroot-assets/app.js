// Small browser helpers the Blazor components call through JS interop.
window.webhookAdmin = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};

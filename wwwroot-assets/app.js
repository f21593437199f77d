// Small browser helpers the Blazor components call through JS interop.
window.webhookAdmin = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,

  // The admin's own light/dark choice, kept in this browser; null until they pick one (the system's setting applies).
  colorScheme: {
    remembered: () => localStorage.getItem("webhookadmin.colorScheme"),
    remember: scheme => localStorage.setItem("webhookadmin.colorScheme", scheme),
    // The theme the admin wants is on screen: show the page color-scheme.js kept dark and empty.
    applied: () => document.documentElement.classList.remove("color-scheme-pending"),
  },

  // Posts a form (with its antiforgery token) for a control that cannot be its submit button, such as a menu item.
  submit: formId => document.getElementById(formId)?.requestSubmit(),

  // Below MudBlazor's md breakpoint there is no room beside a list: details open full-screen instead.
  isNarrow: () => window.matchMedia("(max-width: 959.98px)").matches,
};

// Keyboard users activate role=button elements that are not <button>s (MudBlazor's sort labels) with Enter and Space.
document.addEventListener("keydown", event => {
  const target = event.target instanceof Element ? event.target.closest("[data-keyboard-click]") : null;
  if (target && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    target.click();
  }
});

// A blocking script in <head>, so it runs before the first paint. Blazor prerenders every page light and the circuit
// applies a dark theme only once connected: a dark-preferring admin saw a white page flash first. Such an admin now
// gets a dark, empty page until MainLayout has applied the theme (webhookAdmin.colorScheme.applied), three seconds at most.
(() => {
  let remembered = null;
  try {
    remembered = localStorage.getItem("webhookadmin.colorScheme");
  } catch {
    // Storage can be off: the system's setting decides, as in ColorSchemePreference.
  }
  const dark = remembered ? remembered === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  if (!dark) return;
  const root = document.documentElement;
  root.classList.add("color-scheme-pending");
  setTimeout(() => root.classList.remove("color-scheme-pending"), 3000);
})();

// The portal's only script besides Blazor and MudBlazor. Loaded from 'self' (CSP allows no inline script).
(function () {
  "use strict";
  var key = "emrportal.theme";
  window.emrPortal = {
    // The viewer's IANA time zone, asked once per circuit so times show in local time.
    timeZone: function () {
      try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
    },
    // "dark", "light" or null (no choice yet: follow the system preference).
    getTheme: function () {
      var value = null;
      try { value = window.localStorage.getItem(key); } catch (e) { value = null; }
      if (value === "dark" || value === "light") return value;
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : null;
    },
    setTheme: function (value) {
      try { window.localStorage.setItem(key, value === "dark" ? "dark" : "light"); } catch (e) { /* private mode */ }
    }
  };

  // Skip link: moves keyboard focus to the page's main work (the first row of a list, marked data-skip-target) or to
  // <main>. Handled here, in the capture phase, because Blazor would treat "#…" against <base href="/"> as a navigation.
  var focusable = "a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest ? e.target.closest("a[data-skip-link]") : null;
    if (!link) return;
    e.preventDefault();
    e.stopPropagation();
    var target = document.querySelector("[data-skip-target]");
    var into = target ? (target.querySelector("tbody " + focusable.split(", ").join(", tbody ")) || target.querySelector(focusable)) : null;
    if (!into) {
      into = document.querySelector("main");
      if (into && !into.hasAttribute("tabindex")) into.setAttribute("tabindex", "-1");
    }
    if (into) into.focus();
  }, true);
})();

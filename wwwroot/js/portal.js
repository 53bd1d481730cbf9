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
})();

// The portal's only script besides Blazor and MudBlazor. Loaded from 'self' (CSP allows no inline script).
(function () {
  "use strict";
  var key = "emrportal.theme";

  // The page arrives with the MudBlazor rules its markup uses inline and MudBlazor's whole stylesheet preloaded
  // (rel="preload" as="style": fetched, not parsed, so its 640 KB are not parsed before the body). Made a stylesheet
  // once the first frame is drawn, it changes nothing already on screen and styles what the circuit renders later
  // (menus, dialogs). An enhanced navigation replaces the head with the server's (a preload again): made a stylesheet
  // again after it. docs/decisions.md#critical-path.
  function applyDeferredStyles() {
    var links = document.querySelectorAll("link[data-deferred-style]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].rel !== "stylesheet") links[i].rel = "stylesheet";
    }
  }
  requestAnimationFrame(function () { setTimeout(applyDeferredStyles, 0); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.Blazor && typeof window.Blazor.addEventListener === "function") {
      window.Blazor.addEventListener("enhancedload", applyDeferredStyles);
    }
  });

  // The viewer's preferences are mirrored into cookies so the server can prerender a page in the viewer's time zone
  // and theme (the names match BrowserInterop's constants; nothing else reads them).
  function remember(name, value) {
    try {
      document.cookie = name + "=" + encodeURIComponent(value || "") + "; path=/; max-age=31536000; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    } catch (e) { /* cookies disabled: the circuit asks by script instead */ }
  }

  function timeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
  }

  // "dark", "light" or null (no choice yet: follow the system preference).
  function getTheme() {
    var value = null;
    try { value = window.localStorage.getItem(key); } catch (e) { value = null; }
    if (value === "dark" || value === "light") return value;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : null;
  }

  window.emrPortal = {
    // The viewer's IANA time zone, asked once per circuit so times show in local time.
    timeZone: timeZone,
    getTheme: getTheme,
    setTheme: function (value) {
      var theme = value === "dark" ? "dark" : "light";
      try { window.localStorage.setItem(key, theme); } catch (e) { /* private mode */ }
      remember("emrportal.theme", theme);
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

  var zone = timeZone();
  if (zone) remember("emrportal.tz", zone);
  remember("emrportal.theme", getTheme() || "light");

  // A tab hidden for a while pauses its circuit: the server keeps the view as persisted state instead of a live
  // circuit, and the tab resumes it when shown again. The delay is the server's Circuits:PauseHiddenAfter (0: never).
  // The document element's data-circuit attribute says "paused" while paused.
  var meta = document.querySelector("meta[name='emrportal-pause-hidden-ms']");
  var pauseAfter = meta ? Number(meta.getAttribute("content")) : 0;
  var timer = null;
  var paused = false;
  var pausing = null;

  function pause() {
    timer = null;
    if (!document.hidden || paused || !window.Blazor || typeof window.Blazor.pauseCircuit !== "function") return;
    pausing = Promise.resolve(window.Blazor.pauseCircuit()).then(function (ok) {
      paused = !!ok;
      if (paused) document.documentElement.setAttribute("data-circuit", "paused");
    }, function () { paused = false; }).then(function () { pausing = null; if (!document.hidden) resume(); });
  }

  // The server stores a paused circuit's state a moment after the pause returns (the tab may come back sooner): a
  // rejected resume is retried a few times before the page gives up on it.
  var retryDelays = [250, 500, 1000, 2000, 4000];

  function resume() {
    if (pausing || !paused) return;
    paused = false;
    attempt(0);
  }

  function attempt(i) {
    Promise.resolve(window.Blazor.resumeCircuit()).then(function (ok) {
      if (ok) { document.documentElement.setAttribute("data-circuit", "resumed"); return; }
      if (i < retryDelays.length) { setTimeout(function () { attempt(i + 1); }, retryDelays[i]); return; }
      // A circuit the server no longer holds cannot resume: reload the page (its URL is the whole view).
      document.documentElement.setAttribute("data-circuit", "lost");
      location.reload();
    }, function () { location.reload(); });
  }

  if (pauseAfter > 0) {
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        if (timer === null && !paused) timer = setTimeout(pause, pauseAfter);
      } else {
        if (timer !== null) { clearTimeout(timer); timer = null; }
        resume();
      }
    });
  }
})();

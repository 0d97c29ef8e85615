// haicang console: progressive enhancement only (every page works without
// it). Sounds a short tone on success and a low one on a refusal, flashes
// the screen border, shows times in the warehouse's time zone and puts the
// cursor in the step's scan field after every page or htmx swap.
(function () {
  var ctx = null;
  function tone(ok) {
    try {
      var C = window.AudioContext || window.webkitAudioContext;
      if (!C) return;
      ctx = ctx || new C();
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.type = ok ? "sine" : "square";
      o.frequency.value = ok ? 880 : 196;
      g.gain.value = 0.15;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + (ok ? 0.12 : 0.45));
    } catch (e) { /* no audio: the colours still say it */ }
  }
  function enhance() {
    var lang = document.documentElement.lang === "zh" ? "zh-CN" : "en-US";
    document.querySelectorAll("time[data-tz]").forEach(function (t) {
      try {
        t.textContent = new Intl.DateTimeFormat(lang, { timeZone: t.dataset.tz, dateStyle: "short", timeStyle: "short" })
          .format(new Date(t.getAttribute("datetime")));
      } catch (e) { /* unknown zone: keep UTC */ }
    });
    var f = document.querySelector("[data-flash]");
    if (f) {
      tone(f.dataset.flash === "ok");
      document.body.classList.remove("flash-ok", "flash-err");
      void document.body.offsetWidth;
      document.body.classList.add("flash-" + f.dataset.flash);
    }
    // Focus the step's field unless it already has the focus: a scan may
    // already be arriving, and selecting its first characters would let
    // the rest overwrite them.
    // ... and never take the focus from a field the user (or a scanner)
    // is already in: moving it mid-typing sends the rest elsewhere.
    var a = document.querySelector("[autofocus]");
    var free = !document.activeElement || document.activeElement === document.body;
    if (a && free) { a.focus(); if (a.value && a.select) a.select(); }
  }
  // A large file's upload shows its progress (htmx sends boosted forms,
  // multipart ones included, with XHR).
  document.addEventListener("htmx:xhr:progress", function (e) {
    var bar = e.target && e.target.querySelector && e.target.querySelector("progress.upload");
    if (bar && e.detail && e.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
    }
  });
  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", enhance);
})();

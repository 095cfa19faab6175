// Live sessions (issue 20): follow the session's event stream.
// A new phase, question or teacher's change reloads the page (the server renders every state);
// a new count of answers or players only changes its number; the countdown ticks here from
// the server's remaining time. Without JavaScript the phone page reloads itself every few seconds.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.EventSource) { return; }
  var role = root.dataset.role;
  var shown = {version: root.dataset.version, phase: root.dataset.phase, position: root.dataset.position,
               joined: root.dataset.joined};
  var countdown = root.querySelector("[data-countdown]");
  var ends = null;

  function setRemaining(ms) {
    ends = (ms === null || ms === undefined || ms === "" || isNaN(ms)) ? null : Date.now() + Number(ms);
  }
  function tick() {
    if (!countdown || ends === null || shown.phase !== "question") { return; }
    var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    countdown.textContent = left > 0 ? left + " s" : "Time is up";
  }
  if (countdown) { setRemaining(countdown.dataset.remainingMs); setInterval(tick, 250); }

  function setAll(selector, value) {
    var nodes = root.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }

  // What a phone has typed or chosen survives the reloads the stream brings (a pause, a removed
  // player, a refused answer): kept per question in the tab's sessionStorage, put back on load.
  var draft = root.querySelector("form[data-draft]");
  if (draft) {
    var key = "live-draft:" + draft.dataset.draft;
    var fields = function () {
      return Array.prototype.filter.call(draft.elements, function (el) { return el.name && el.type !== "hidden"; });
    };
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(key) || "null");
      if (saved) {
        fields().forEach(function (el, i) {
          if (i >= saved.length) { return; }
          if (el.type === "checkbox" || el.type === "radio") { el.checked = saved[i] === true; }
          else if (typeof saved[i] === "string") { el.value = saved[i]; }
        });
      }
    } catch (e) { /* no storage (private mode): nothing kept */ }
    var keep = function () {
      try {
        window.sessionStorage.setItem(key, JSON.stringify(fields().map(function (el) {
          return (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
        })));
      } catch (e) { /* full or refused: nothing kept */ }
    };
    draft.addEventListener("input", keep);
    draft.addEventListener("change", keep);
  }

  var stream = new EventSource(root.dataset.stream);
  var leaving = false;
  var listPending = false;
  // a form sent from this page (a control, an answer) brings the next page itself: the change it
  // makes must not also reload this one, which would cut the form's own navigation short
  document.addEventListener("submit", function () { leaving = true; stream.close(); });
  stream.onmessage = function (message) {
    if (leaving) { return; }
    var state = JSON.parse(message.data);
    var changed = String(state.version) !== shown.version || state.phase !== shown.phase ||
      String(state.position) !== shown.position;
    if (!changed && role === "projector" && state.phase === "lobby" && String(state.joined) !== shown.joined &&
        !listPending) {
      // the players' names come with the page: one reload a second at most while a class joins
      listPending = true;
      window.setTimeout(function () { if (!leaving) { window.location.reload(); } }, 1000);
    }
    root.dataset.received = String(state.version) + "." + state.answered + "." + state.joined;
    if (changed) {
      stream.close();
      // phones spread their reloads over a moment, so that a room of them does not arrive at once
      window.setTimeout(function () { if (!leaving) { window.location.reload(); } }, role === "phone" ? Math.random() * 300 : 0);
      return;
    }
    setAll("[data-answered]", state.answered);
    setAll("[data-joined]", state.joined);
    if (state.phase === "question") { setRemaining(state.remaining_ms); tick(); }
  };
}());

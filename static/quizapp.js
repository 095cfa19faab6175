/* quizapp: small progressive enhancements; every page works without them.
 *
 * 1. <time datetime="…Z" data-local="datetime|time"> shows UTC; rewrite it in the reader's local time.
 * 2. The attempt timer ([data-seconds-left]): count down, warn at one minute in an aria-live
 *    region, and when time is up submit the attempt (form#time-up), or, when the learner has
 *    typed or picked an answer on the page and not sent it, that answer (form#answer-form):
 *    the server records an answer arriving in the grace after the time limit as the
 *    attempt's last and finishes the attempt. The server stays the authority: it finishes an
 *    attempt past its time limit whatever this script does, and refuses later answers.
 * 2b. Changing a saved answer (deferred feedback): the pager ("Next question") sticks to the
 *    bottom of the screen; once the learner picks or types something else, saving it is the
 *    next action, so the form's button sticks there instead (and back, if they undo it).
 * 3. Draft review ([data-select-all]): a "Select all" box ticks every draft checkbox; j/k move
 *    between drafts, a approves, r rejects, e edits the current one (the help text says so).
 *    Keys never fire while typing in a field. Without the script each draft has its own
 *    buttons and checkbox.
 * 4. Copy buttons ([data-copy="<input id>"]), hidden without the script: copy the field's text
 *    and say so in the status next to it.
 * Served from static/ (the Content-Security-Policy allows no inline script).
 */
(function () {
  "use strict";

  function localTimes() {
    var times = document.querySelectorAll("time[datetime][data-local]");
    Array.prototype.forEach.call(times, function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      var options = el.getAttribute("data-local") === "time"
        ? { hour: "2-digit", minute: "2-digit" }
        : { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
      el.setAttribute("title", el.textContent);  // the UTC time, on hover
      el.textContent = when.toLocaleString([], options);
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function timer() {
    var countdown = document.querySelector("[data-seconds-left]");
    if (!countdown) { return; }
    var ends = Date.now() + 1000 * Number(countdown.getAttribute("data-seconds-left"));
    var warning = document.querySelector("[data-timer-warning]");
    var form = document.getElementById("time-up");
    var answer = document.getElementById("answer-form");
    var sent = answer ? fields(answer) : null;  // as the page came: a saved answer, or nothing
    var warned = false;
    Array.prototype.forEach.call(document.querySelectorAll(".countdown-note"), function (el) { el.hidden = true; });

    function tick() {
      var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      countdown.textContent = Math.floor(left / 60) + " min " + pad(left % 60) + " s";
      if (left <= 60 && left > 0 && !warned) {
        warned = true;
        warning.textContent = "One minute left: your answers are submitted when the time is up.";
      }
      if (left > 0) {
        window.setTimeout(tick, 250);
        return;
      }
      warning.textContent = "Time is up: submitting your answers…";
      // a moment past the deadline (well within the server's grace), so the server sees the time up too
      window.setTimeout(function () {
        var unsent = answer && fields(answer) !== sent;
        if (unsent) { answer.submit(); } else if (form) { form.submit(); }
      }, 1500);
    }
    tick();
  }

  function fields(form) { return new URLSearchParams(new FormData(form)).toString(); }

  function changeInReach() {
    var form = document.getElementById("answer-form");
    var actions = form && form.querySelector(".actions");
    var pager = document.querySelector(".pager.sticky");
    if (!actions || !pager) { return; }
    var saved = fields(form);
    function follow() {
      var changed = fields(form) !== saved;
      actions.classList.toggle("sticky", changed);
      pager.classList.toggle("sticky", !changed);
    }
    form.addEventListener("input", follow);
    form.addEventListener("change", follow);
  }

  function selectAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), function (box) {
      var name = box.getAttribute("data-select-all");
      var boxes = document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
      box.closest(".select-all").hidden = false;
      box.addEventListener("change", function () {
        // only the drafts in sight: never approve or reject one folded away unseen
        Array.prototype.forEach.call(boxes, function (b) {
          if (!b.closest("details:not([open])")) { b.checked = box.checked; }
        });
      });
    });
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function draftKeys() {
    var help = document.querySelector(".keyboard-help");
    var cards = Array.prototype.filter.call(document.querySelectorAll("article.draft"), function (card) {
      return card.querySelector('[data-key="a"]');
    });
    if (!help || !cards.length) { return; }
    help.hidden = false;
    var current = Math.max(0, cards.findIndex(function (card) { return "#" + card.id === window.location.hash; }));

    function focus(index) {
      current = Math.min(cards.length - 1, Math.max(0, index));
      var card = cards[current];
      if (!card.hasAttribute("tabindex")) { card.setAttribute("tabindex", "-1"); }
      card.focus();
      card.scrollIntoView({ block: "start" });
      if (window.history.replaceState) { window.history.replaceState(null, "", "#" + card.id); }
    }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      var key = event.key;
      if (key === "j" || key === "k") {
        event.preventDefault();
        focus(current + (key === "j" ? 1 : -1));
      } else if (key === "a" || key === "r" || key === "e") {
        var control = cards[current].querySelector('[data-key="' + key + '"]');
        if (control) { event.preventDefault(); control.click(); }
      }
    });
  }

  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var id = button.getAttribute("data-copy");
      var field = document.getElementById(id);
      var status = document.querySelector('[data-copy-status="' + id + '"]');
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        function done(message) { if (status) { status.textContent = message; } }
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(function () { done("Copied."); },
            function () { done("Press Ctrl+C (or Cmd+C) to copy the selected link."); });
        } else {
          done("Press Ctrl+C (or Cmd+C) to copy the selected link.");
        }
      });
    });
  }

  function start() {
    localTimes();
    timer();
    changeInReach();
    selectAll();
    draftKeys();
    copyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

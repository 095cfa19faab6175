/* quizapp: small progressive enhancements; every page works without them.
 *
 * 1. <time datetime="…Z" data-local="datetime|time"> shows UTC; rewrite it in the reader's local time.
 * 2. The attempt timer ([data-seconds-left]): count down, warn at one minute in an aria-live
 *    region, and when time is up submit the attempt (form#time-up). The server stays the
 *    authority: it finishes an attempt past its time limit whatever this script does.
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
      // a moment past the deadline, so the server sees the time up too
      window.setTimeout(function () { if (form) { form.submit(); } }, 1500);
    }
    tick();
  }

  function start() {
    localTimes();
    timer();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

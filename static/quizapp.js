/* quizapp: small progressive enhancements; every page works without them.
 *
 * <time datetime="…Z" data-local="datetime|time"> shows UTC; rewrite it in the reader's local time.
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

  function start() {
    localTimes();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

/* quizapp LTI: send a form marked data-autosubmit as soon as the page loads (the deep-linking response
 * going back to the learning platform). Served from static/: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
}());

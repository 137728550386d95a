// Quiz pages: after a POST and its redirect, put the focus where the news is (the results'
// status region, the review's heading), so keyboard and screen-reader users start there.
// An error summary (app.js) or a #question-N anchor from the review page takes precedence.
document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector(".error-summary") || window.location.hash) {
    return;
  }
  var target = document.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
  }
});

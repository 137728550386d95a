/* Authoring pages: after a change the server sends the page back with an anchor on what changed
   (#module-3, #item-7-up...). Browsers scroll there; this puts the keyboard focus there too. The
   pages work without it. */
(function () {
  "use strict";
  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (target && typeof target.focus === "function") {
      target.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusTarget);
  } else {
    focusTarget();
  }
}());

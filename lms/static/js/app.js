// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

// The menu (templates/base.html): disclosure buttons, <button aria-expanded aria-controls>. Without this script the
// menu is a plain list; with it, the groups open on demand and, on a narrow screen, the whole menu hides behind
// « Menu ». Escape closes the innermost open part and puts the focus back on its button; a click or the focus
// going elsewhere closes the groups.
(function () {
  function controlled(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var target = controlled(button);
    if (target && button.classList.contains("nav-group-button")) {
      target.hidden = !open;
    }
  }

  function groupButtons(nav) {
    return Array.prototype.slice.call(nav.querySelectorAll(".nav-group-button"));
  }

  function closeGroups(nav, except) {
    groupButtons(nav).forEach(function (button) {
      if (button !== except) {
        setOpen(button, false);
      }
    });
  }

  function setUp(nav) {
    var menuButton = nav.querySelector(".menu-button");
    groupButtons(nav).forEach(function (button) {
      button.hidden = false;
      setOpen(button, false);
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        closeGroups(nav, button);
        setOpen(button, open);
      });
    });
    if (menuButton) {
      menuButton.hidden = false;
      menuButton.addEventListener("click", function () {
        var open = menuButton.getAttribute("aria-expanded") !== "true";
        setOpen(menuButton, open);
        if (!open) {
          closeGroups(nav);
        }
      });
    }

    nav.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") {
        return;
      }
      var group = groupButtons(nav).filter(function (button) {
        return button.getAttribute("aria-expanded") === "true";
      })[0];
      var button = group || (menuButton && menuButton.getAttribute("aria-expanded") === "true" ? menuButton : null);
      if (button) {
        setOpen(button, false);
        button.focus();
        event.preventDefault();
      }
    });

    // A pointer or the focus elsewhere on the page closes the groups (the phone menu stays as the user left it).
    document.addEventListener("click", function (event) {
      if (!nav.contains(event.target)) {
        closeGroups(nav);
      }
    });
    nav.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !nav.contains(event.relatedTarget)) {
        closeGroups(nav);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".site-nav"), setUp);
  });
})();

document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});

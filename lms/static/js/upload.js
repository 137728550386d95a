// Video upload with a progress bar. Progressive enhancement only: without JavaScript the
// form posts normally and the server answers with the video's page or the form and its errors.
(function () {
  "use strict";

  function setup(form) {
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var fileInput = form.querySelector("input[type=file]");
    var button = form.querySelector("button[type=submit]");
    if (!box || !bar || !status || !fileInput || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    var lastPercent = -1;

    function show(percent) {
      if (percent === lastPercent) {
        return;
      }
      lastPercent = percent;
      bar.value = percent;
      bar.textContent = percent + " %";
      status.textContent = form.getAttribute("data-progress-text").replace("{percent}", String(percent));
    }

    function fail(message) {
      box.hidden = false;
      status.textContent = message;
      status.classList.add("error");
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    // The server's answer (the form with its errors) replaces this section, as without JavaScript.
    function showServerErrors(html, httpStatus) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("envoi");
      var current = document.getElementById("envoi");
      if (fresh && current) {
        current.replaceWith(document.importNode(fresh, true));
        var section = document.getElementById("envoi");
        var newForm = section.querySelector("form.js-video-upload");
        if (newForm) {
          setup(newForm);
        }
        var summary = section.querySelector(".error-summary");
        if (summary) {
          summary.setAttribute("tabindex", "-1");
          summary.focus();
        }
        return;
      }
      var message = doc.querySelector("main h1 + p");
      fail((message ? message.textContent.trim() : form.getAttribute("data-failed-text")) + " (" + httpStatus + ")");
    }

    form.addEventListener("submit", function (event) {
      var file = fileInput.files && fileInput.files[0];
      if (!file) {
        return; // the server explains what is missing
      }
      event.preventDefault();
      status.classList.remove("error");
      if (maxBytes && file.size > maxBytes) {
        fail(form.getAttribute("data-too-large"));
        fileInput.focus();
        return;
      }
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "text/html");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      var token = form.querySelector("input[name=csrf_token]");
      if (token) {
        xhr.setRequestHeader("X-CSRFToken", token.value);
      }
      xhr.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable && progress.total > 0) {
          show(Math.min(100, Math.floor((progress.loaded * 100) / progress.total)));
        }
      });
      xhr.upload.addEventListener("load", function () {
        show(100);
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          show(100);
          status.textContent = form.getAttribute("data-done-text");
          window.location.assign(xhr.getResponseHeader("Location") || xhr.responseURL || form.action);
        } else {
          button.disabled = false;
          form.removeAttribute("aria-busy");
          showServerErrors(xhr.responseText, xhr.status);
        }
      });
      xhr.addEventListener("error", function () {
        fail(form.getAttribute("data-network-error"));
      });
      xhr.addEventListener("abort", function () {
        fail(form.getAttribute("data-network-error"));
      });
      box.hidden = false;
      lastPercent = -1;
      show(0);
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      xhr.send(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.js-video-upload");
    for (var i = 0; i < forms.length; i += 1) {
      setup(forms[i]);
    }
  });
})();

// The live preview of a proposal's abstract. Without JavaScript the form's "Preview"
// button shows the same, rendered and sanitized by the server, after a round trip;
// this only saves the click. The HTML comes from the site's own Markdown renderer
// (nh3-sanitized), the same the talk pages use.
(function () {
  "use strict";

  var DELAY_MS = 600;

  function placeholder() {
    var p = document.createElement("p");
    p.className = "text-body-secondary mb-0";
    p.textContent = "Nothing to preview yet: write your abstract above.";
    return p;
  }

  function init() {
    var form = document.getElementById("proposal-form");
    var abstract = form && form.querySelector("textarea[name=abstract]");
    var region = document.getElementById("abstract-preview");
    var body = document.getElementById("abstract-preview-body");
    if (!abstract || !region || !body || !form.dataset.previewUrl || !window.fetch) {
      return;
    }
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var stopped = false;
    // A preview the server already rendered (the button was pressed) needs no second request.
    var lastSent = region.hidden ? null : abstract.value;

    function update() {
      var text = abstract.value;
      if (stopped || text === lastSent) {
        return;
      }
      lastSent = text;
      var data = new FormData();
      data.append("abstract", text);
      if (csrf) {
        data.append("csrfmiddlewaretoken", csrf.value);
      }
      fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 429) {
            // Over the preview limit: the button still works, so stop asking.
            stopped = true;
            return null;
          }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          // A reply to an older request must not overwrite a newer text's preview.
          if (html === null || text !== abstract.value) {
            return;
          }
          if (html.trim()) {
            body.innerHTML = html;
          } else {
            body.replaceChildren(placeholder());
          }
        })
        .catch(function () {
          lastSent = null;
        });
    }

    region.hidden = false;
    abstract.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    });
    if (abstract.value.trim()) {
      update();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

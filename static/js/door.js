// The door's check-in page: search as you type, tap to check in or undo, scan a QR code.
// Every tap is sent with fetch; when it does not reach the server, the page says so and
// nothing changes on screen, so the doorman taps again. Without JavaScript the forms post.
(function () {
  "use strict";
  var door = document.querySelector("[data-door]");
  if (!door) { return; }
  var status = door.querySelector("[data-door-status]");
  var figures = door.querySelector("[data-door-figures]");

  function say(text, ok) {
    status.textContent = text;
    status.classList.toggle("alert-info", ok);
    status.classList.toggle("alert-danger", !ok);
  }

  function send(form) {
    var data = new FormData(form);
    // form.getAttribute: the form has an input named "action", which form.action would return.
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { throw new Error("no answer"); });
    });
  }

  function showFigures(f) {
    if (f) { figures.textContent = f.checked_in + " of " + f.going + " checked in · " + f.waiting + " waiting"; }
  }

  function markButton(form, checkedIn) {
    var button = form.querySelector("button");
    form.querySelector("input[name=action]").value = checkedIn ? "undo" : "check_in";
    button.setAttribute("aria-pressed", checkedIn ? "true" : "false");
    button.classList.toggle("btn-success", checkedIn);
    button.classList.toggle("btn-outline-primary", !checkedIn);
    button.textContent = checkedIn ? button.dataset.labelIn : button.dataset.labelOut;
  }

  door.querySelectorAll("[data-door-tap]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var undo = form.querySelector("input[name=action]").value === "undo";
      send(form).then(function (answer) {
        say(answer.message, answer.ok);
        if (answer.ok) { markButton(form, !undo); }
        showFigures(answer.figures);
      }).catch(function () {
        say("Not saved: the tap did not reach the server (no connection?). Tap again.", false);
      });
    });
  });

  var codeForm = door.querySelector("[data-door-code]");
  function submitCode() {
    send(codeForm).then(function (answer) {
      say(answer.message, answer.ok);
      showFigures(answer.figures);
      codeForm.querySelector("input[name=code]").value = "";
      if (answer.ok && answer.rsvp) {
        var tap = door.querySelector("[data-door-tap] input[name=rsvp][value='" + answer.rsvp + "']");
        if (tap && answer.result === "checked_in") { markButton(tap.form, true); }
      }
    }).catch(function () {
      say("Not saved: the scan did not reach the server (no connection?). Scan again.", false);
    });
  }
  codeForm.addEventListener("submit", function (event) { event.preventDefault(); submitCode(); });

  var search = door.querySelector("[data-door-search]");
  search.addEventListener("input", function () {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    door.querySelectorAll("[data-door-person]").forEach(function (row) {
      var name = row.dataset.name;
      row.hidden = !words.every(function (word) { return name.indexOf(word) !== -1; });
    });
  });

  // The camera: jsQR (static/vendor/jsqr) reads the attendee's code from the video.
  var scan = door.querySelector("[data-door-scan]");
  var video = door.querySelector("[data-door-camera]");
  if (window.jsQR && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scan.classList.remove("d-none");
    scan.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.classList.remove("d-none");
        video.play();
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        (function frame() {
          if (video.readyState === video.HAVE_ENOUGH_DATA) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0);
            var found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
            if (found && found.data) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              video.classList.add("d-none");
              codeForm.querySelector("input[name=code]").value = found.data;
              submitCode();
              return;
            }
          }
          window.requestAnimationFrame(frame);
        })();
      }).catch(function () { say("The camera could not be opened: type the code, or search the name.", false); });
    });
  }
})();

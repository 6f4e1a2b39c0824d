// Click-to-play for YouTube videos: nothing is requested from YouTube until the visitor asks for it.
(function () {
  "use strict";

  function play(container) {
    var iframe = document.createElement("iframe");
    iframe.src = container.dataset.embedSrc + "?autoplay=1&rel=0";
    iframe.title = container.dataset.embedTitle || "Video";
    iframe.allow = "accelerometer; autoplay; encrypted-media; picture-in-picture; fullscreen";
    iframe.allowFullscreen = true;
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    container.replaceChildren(iframe);
    iframe.focus();
  }

  function init() {
    document.querySelectorAll(".video-optin[data-embed-src]").forEach(function (container) {
      var button = container.querySelector(".video-play");
      if (!button) {
        return;
      }
      button.addEventListener("click", function () {
        play(container);
      });
      // Without JavaScript the player stays hidden and the plain link is all there is.
      container.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// The raffle's "closes in ..." hint, kept current. Without JavaScript the server's
// text ("closes in 2 days, 3 hours") stays, which is right when the page loads.
(function () {
  "use strict";

  function describe(seconds) {
    if (seconds <= 0) {
      return "closed: reload the page";
    }
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var parts = [];
    if (days) { parts.push(days + (days === 1 ? " day" : " days")); }
    if (hours) { parts.push(hours + (hours === 1 ? " hour" : " hours")); }
    if (!days) { parts.push(minutes + (minutes === 1 ? " minute" : " minutes")); }
    if (!days && !hours) { parts.push(Math.floor(seconds % 60) + " s"); }
    return "closes in " + parts.join(", ");
  }

  function start() {
    document.querySelectorAll(".countdown[data-closes-at]").forEach(function (element) {
      var closesAt = Number(element.dataset.closesAt);
      function tick() {
        element.textContent = describe(closesAt - Date.now() / 1000);
      }
      tick();
      window.setInterval(tick, 1000);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

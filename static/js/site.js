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

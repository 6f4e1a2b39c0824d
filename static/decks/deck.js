// The meetup-night deck: one slide at a time, driven by the keys a presentation clicker sends.
// Without this script the deck stays a readable sequence of slides, one under the other.
(function () {
  "use strict";

  var NEXT_KEYS = ["ArrowRight", "ArrowDown", " ", "Spacebar", "PageDown", "Enter"];
  var PREVIOUS_KEYS = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
  // Clickers' "blank screen" button sends "b" or "."; PowerPoint taught everyone the same keys.
  var BLANK_KEYS = ["b", "B", "."];
  var FIT_STEPS = 7;
  var SMALLEST_FIT = 0.45;
  var IDLE_CURSOR_MS = 2500;
  var NUMBER_TIMEOUT_MS = 1500;

  var root = document.documentElement;
  // Loaded in <head> without defer: the one-slide layout applies before the first paint,
  // so the audience never sees the slides stacked for a moment.
  root.classList.add("deck-js");
  var deck = null;
  var slides = [];
  var status = null;
  var progress = null;
  var current = -1;
  var typedNumber = "";
  var typedTimer = null;
  var idleTimer = null;

  function clamp(index) {
    return Math.max(0, Math.min(slides.length - 1, index));
  }

  // "#/5" (what the deck writes) and "#5" both mean the fifth slide.
  function indexFromHash() {
    var match = /^#\/?(\d+)$/.exec(window.location.hash);
    return match ? clamp(parseInt(match[1], 10) - 1) : 0;
  }

  function show(index) {
    index = clamp(index);
    if (index !== current) {
      slides.forEach(function (slide, position) {
        var isCurrent = position === index;
        slide.classList.toggle("is-current", isCurrent);
        slide.setAttribute("aria-hidden", isCurrent ? "false" : "true");
      });
      current = index;
      if (status) {
        status.textContent = slides[index].getAttribute("aria-label");
      }
      if (progress) {
        progress.style.width = ((index + 1) / slides.length) * 100 + "%";
      }
    }
    var hash = "#/" + (index + 1);
    if (window.location.hash !== hash) {
      // replaceState: a reload stays on the slide, and forty clicks do not fill the Back history.
      window.history.replaceState(null, "", hash);
    }
  }

  // Long slides shrink their type until nothing overflows, down to SMALLEST_FIT.
  function overflows(content) {
    return content.scrollHeight > content.clientHeight + 1 || content.scrollWidth > content.clientWidth + 1;
  }

  function fit(slide) {
    var content = slide.querySelector(".slide-content");
    if (!content) {
      return;
    }
    slide.style.setProperty("--fit", "1");
    if (!overflows(content)) {
      slide.removeAttribute("data-fit");
      return;
    }
    var low = SMALLEST_FIT;
    var high = 1;
    for (var step = 0; step < FIT_STEPS; step += 1) {
      var middle = (low + high) / 2;
      slide.style.setProperty("--fit", String(middle));
      if (overflows(content)) {
        high = middle;
      } else {
        low = middle;
      }
    }
    slide.style.setProperty("--fit", String(low));
    slide.setAttribute("data-fit", low.toFixed(2));
  }

  function fitAll() {
    slides.forEach(fit);
    root.classList.add("deck-fitted");
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(function () {
        // Refused (e.g. not from a user gesture): the deck works in the window as well.
      });
    }
  }

  function toggleBlank() {
    root.classList.toggle("deck-blank");
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    var key = event.key;
    // Enter on a focused link opens the link, as everywhere else.
    if (key === "Enter" && event.target && event.target.closest && event.target.closest("a, button")) {
      return;
    }
    // Typing a number and Enter jumps to that slide, as in PowerPoint.
    if (/^\d$/.test(key)) {
      typedNumber += key;
      window.clearTimeout(typedTimer);
      typedTimer = window.setTimeout(function () { typedNumber = ""; }, NUMBER_TIMEOUT_MS);
      event.preventDefault();
      return;
    }
    if (key === "Enter" && typedNumber) {
      show(parseInt(typedNumber, 10) - 1);
      typedNumber = "";
      event.preventDefault();
      return;
    }
    if (root.classList.contains("deck-blank") && BLANK_KEYS.indexOf(key) === -1) {
      root.classList.remove("deck-blank");
    }
    if (key === " " && event.shiftKey) {
      show(current - 1);
    } else if (NEXT_KEYS.indexOf(key) !== -1) {
      show(current + 1);
    } else if (PREVIOUS_KEYS.indexOf(key) !== -1) {
      show(current - 1);
    } else if (key === "Home") {
      show(0);
    } else if (key === "End") {
      show(slides.length - 1);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (BLANK_KEYS.indexOf(key) !== -1) {
      toggleBlank();
    } else {
      return;
    }
    event.preventDefault();
  }

  function onClick(event) {
    var link = event.target.closest("a[href]");
    if (link && link.target !== "_blank") {
      // Links in organizers' Markdown too: the deck stays open on the projector.
      event.preventDefault();
      window.open(link.href, "_blank", "noopener");
      return;
    }
    if (event.button !== 0 || event.target.closest("a, button, summary")) {
      return;
    }
    root.classList.remove("deck-blank");
    show(event.shiftKey ? current - 1 : current + 1);
  }

  function onPointerMove() {
    root.classList.remove("deck-idle");
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(function () { root.classList.add("deck-idle"); }, IDLE_CURSOR_MS);
  }

  var resizeFrame = null;
  function onResize() {
    window.cancelAnimationFrame(resizeFrame);
    resizeFrame = window.requestAnimationFrame(fitAll);
  }

  function start() {
    deck = document.querySelector("[data-deck]");
    slides = deck ? Array.prototype.slice.call(deck.querySelectorAll(".slide")) : [];
    if (!slides.length) {
      root.classList.remove("deck-js");
      return;
    }
    status = document.querySelector("[data-deck-status]");
    progress = document.querySelector("[data-deck-progress]");
    document.querySelectorAll("[data-deck-chrome]").forEach(function (element) {
      element.hidden = false;
    });
    show(indexFromHash());
    fitAll();
    document.addEventListener("keydown", onKey);
    deck.addEventListener("click", onClick);
    document.addEventListener("pointermove", onPointerMove);
    window.addEventListener("hashchange", function () { show(indexFromHash()); });
    window.addEventListener("resize", onResize);
    // Pages are smaller than the screen: fit again for printing, and back afterwards.
    window.addEventListener("beforeprint", fitAll);
    window.addEventListener("afterprint", fitAll);
    var print = window.matchMedia("print");
    if (print.addEventListener) {
      print.addEventListener("change", fitAll);
    }
    // Late fonts and images change the layout of the slides they are on.
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(fitAll);
    }
    window.addEventListener("load", fitAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
// The title slide's self check-in code changes every minute: load it afresh every 20 seconds.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-self-check-in] img").forEach(function (image) {
      var source = image.getAttribute("src");
      window.setInterval(function () { image.src = source + "?at=" + Date.now(); }, 20000);
    });
  });
})();
// "Tonight in numbers" changes all evening (people check in) while the slides are kept rendered:
// reload its figures at once (a kept page may be minutes old) and every 30 seconds; a failed request
// leaves the last ones on the screen.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-attendance-url]").forEach(function (list) {
      function refresh() {
        fetch(list.getAttribute("data-attendance-url"), { cache: "no-cache", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (figures) {
            if (!figures) { return; }
            list.querySelectorAll("[data-figure]").forEach(function (value) {
              var figure = figures[value.getAttribute("data-figure")];
              if (typeof figure === "number") { value.textContent = String(figure); }
            });
          })
          .catch(function () {});
      }
      refresh();
      window.setInterval(refresh, 30000);
    });
  });
})();

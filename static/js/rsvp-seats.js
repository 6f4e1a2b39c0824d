// The edition page is served from the page cache: the seats left come from a small JSON endpoint.
(function () {
  "use strict";
  document.querySelectorAll("[data-seats-url]").forEach(function (element) {
    fetch(element.dataset.seatsUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (seats) {
        if (!seats) { return; }
        if (!seats.open) {
          element.textContent = "RSVPs are closed.";
        } else if (seats.waiting > 0) {
          element.textContent = "Full — join the waiting list (" + seats.waiting + " waiting).";
        } else if (seats.left > 0) {
          element.textContent = seats.left + " of " + seats.capacity + " seats left.";
        } else {
          element.textContent = "Full — join the waiting list.";
        }
      })
      .catch(function () { /* the text already in the page stays */ });
  });
})();

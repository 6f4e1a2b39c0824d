// Put the rows of an ordered admin inline (vdlm/admin_ordering.py) in order: drag a row by its
// handle, or press its Move up / Move down buttons (keyboard and screen readers). Either way the
// rows' "position" numbers are rewritten as 10, 20, 30... in the order shown; the server saves
// that order. Without this script the numbers can still be typed.
"use strict";

(function () {
  const STEP = 10;

  function rowsOf(group) {
    // Tabular inlines (and a talk's speakers) have table rows, stacked ones a block per row. The hidden
    // template of a new row is not one; nor are the rows of a talk's speakers for the talks' group.
    const selector = group.dataset.inlineType === "stacked" ? "div.inline-related" : "tr.form-row";
    return Array.from(group.querySelectorAll(selector)).filter(
      (row) =>
        !row.classList.contains("empty-form") &&
        row.closest(".inline-group") === group &&
        row.querySelector("input.vdlm-order")
    );
  }

  function renumber(group) {
    rowsOf(group).forEach((row, index) => {
      row.querySelector("input.vdlm-order").value = String((index + 1) * STEP);
    });
  }

  function announce(group, row, verb) {
    const status = group.querySelector(".vdlm-order-status");
    const rows = rowsOf(group);
    status.textContent = `${verb}: now ${rows.indexOf(row) + 1} of ${rows.length}.`;
  }

  function move(group, row, offset) {
    const rows = rowsOf(group);
    const target = rows[rows.indexOf(row) + offset];
    if (!target) {
      return false;
    }
    if (offset < 0) {
      target.before(row);
    } else {
      target.after(row);
    }
    renumber(group);
    return true;
  }

  function button(label, text, onPress) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "vdlm-order-move";
    element.textContent = text;
    element.setAttribute("aria-label", label);
    element.title = label;
    element.addEventListener("click", onPress);
    return element;
  }

  function equip(group, row) {
    if (row.classList.contains("empty-form") || row.querySelector(".vdlm-order-controls")) {
      return;
    }
    const input = row.querySelector("input.vdlm-order");
    if (!input) {
      return;
    }
    const controls = document.createElement("span");
    controls.className = "vdlm-order-controls";
    const handle = document.createElement("span");
    handle.className = "vdlm-order-handle";
    handle.textContent = "\u2807\u2807";
    handle.title = "Drag to move";
    handle.draggable = true;
    handle.setAttribute("aria-hidden", "true");
    const up = button("Move up", "\u2191", (event) => {
      if (move(group, row, -1)) {
        announce(group, row, "Moved up");
      }
      event.currentTarget.focus();
    });
    const down = button("Move down", "\u2193", (event) => {
      if (move(group, row, 1)) {
        announce(group, row, "Moved down");
      }
      event.currentTarget.focus();
    });
    controls.append(handle, up, down);
    input.after(controls);

    handle.addEventListener("dragstart", (event) => {
      group.vdlmDragged = row;
      row.classList.add("vdlm-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      event.dataTransfer.setDragImage(row, 10, 10);
    });
    // The row follows the pointer while it is dragged (dragover); where it is when the drag ends, it stays.
    handle.addEventListener("dragend", () => {
      row.classList.remove("vdlm-dragging");
      group.vdlmDragged = null;
      renumber(group);
      announce(group, row, "Moved");
    });
    row.addEventListener("dragover", (event) => {
      const dragged = group.vdlmDragged;
      if (!dragged) {
        return;
      }
      event.preventDefault();
      if (dragged === row) {
        return;
      }
      const box = row.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        row.before(dragged);
      } else {
        row.after(dragged);
      }
    });
    row.addEventListener("drop", (event) => {
      if (group.vdlmDragged) {
        event.preventDefault();
      }
    });
  }

  function setUp(group) {
    const status = document.createElement("p");
    status.className = "vdlm-order-status";
    status.setAttribute("role", "status");
    group.append(status);
    rowsOf(group).forEach((row) => equip(group, row));
  }

  function isOrdered(group) {
    // The group's own fieldset (a tabular inline wraps it in a div), not one of a nested group.
    return group && group.querySelector(":scope > fieldset.vdlm-ordered, :scope > .tabular > fieldset.vdlm-ordered") !== null;
  }

  function setUpWithin(root) {
    // Groups inside the hidden template of a new row are set up when a copy of it is added.
    root.querySelectorAll(".inline-group").forEach((group) => {
      if (isOrdered(group) && !group.closest(".empty-form")) {
        setUp(group);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => setUpWithin(document));

  // A row added with "Add another …" gets the controls and the next number; a new talk, its speakers' controls.
  document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const group = row.closest(".inline-group");
    if (isOrdered(group)) {
      equip(group, row);
      renumber(group);
    }
    setUpWithin(row);
  });
})();

// The daily report's "Use" links beside a suggestion (figures from the staff roster or the
// household visits): fill the fields in place, keeping what was typed elsewhere. Without this
// script the link opens the page again with the form filled by the server (?use=...).
// Nothing is sent: the reporter still submits the form. A suggestion below the latest figures
// sent (its link has data-note) makes the note required: the form is not sent without it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-fill]") : null;
    if (!link) return;
    var values;
    try {
      values = JSON.parse(link.getAttribute("data-fill"));
    } catch (e) {
      return;
    }
    event.preventDefault();
    var first = null;
    Object.keys(values).forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) return;
      input.value = values[id];
      input.dispatchEvent(new Event("input", { bubbles: true }));
      first = first || input;
    });
    var line = link.closest(".suggestion");
    if (line) line.classList.add("applied");
    link.hidden = true;
    var note = link.hasAttribute("data-note")
      ? document.getElementById(link.getAttribute("data-note"))
      : null;
    if (note) {
      note.required = true;
      var warning = document.getElementById(note.id + "_lowered");
      if (warning) warning.hidden = false;
      note.focus();
    } else if (first) {
      first.focus();
    }
  });
})();

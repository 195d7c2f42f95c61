/* The import page: a file or a message that takes more than a second to check (a province's
   1,500 rows) shows that it is being worked on, with the seconds counted, and cannot be sent
   twice. */
(function () {
  "use strict";
  [].forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function () {
      var busy = form.querySelector(".busy");
      var button = form.querySelector("button[type=submit]");
      var started = Date.now();
      setTimeout(function () { if (button) button.disabled = true; }, 0);
      if (!busy) return;
      setTimeout(function tick() {
        var s = Math.round((Date.now() - started) / 1000);
        busy.hidden = false;
        busy.textContent = "";
        var bar = document.createElement("progress");
        busy.appendChild(bar);
        busy.appendChild(document.createTextNode(form.getAttribute("data-busy") + " " + s + " s"));
        setTimeout(tick, 1000);
      }, 1000);
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  else if (document.getElementById("preview")) document.getElementById("preview").scrollIntoView();
})();

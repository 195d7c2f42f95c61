// The two-step log-in's code field opens the number pad (inputmode="numeric"); a recovery code
// has letters: this button gives the field the full keyboard (#17).
(function () {
  "use strict";
  var button = document.querySelector("[data-recovery]");
  var field = document.getElementById("id_code");
  if (!button || !field) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    field.setAttribute("inputmode", "text");
    field.value = "";
    field.blur();
    field.focus();
  });
})();

/* Indicator form: show only the fields that apply to the chosen kind ("Beräknas från").
   A field that applies to some kinds only carries data-indicator-kinds on its input. Without
   JavaScript every field shows; the server ignores the ones that do not apply to the kind. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll("[data-indicator-kinds]");
  if (!inputs.length || !inputs[0].form) { return; }
  var form = inputs[0].form;
  var radios = form.querySelectorAll("input[type=radio][name=kind]");
  var groups = [];
  inputs.forEach(function (input) {
    var field = input.closest(".field");
    if (field) { groups.push({ field: field, kinds: input.dataset.indicatorKinds.split(" ") }); }
  });

  function update() {
    var checked = form.querySelector("input[type=radio][name=kind]:checked");
    groups.forEach(function (group) {
      /* A field the server found wrong stays in sight, so its message can be read. */
      var applies = !checked || group.kinds.indexOf(checked.value) >= 0;
      group.field.hidden = !applies && !group.field.classList.contains("field--error");
    });
  }

  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();

// Tree pickers (trygg/lib/treepicker.py): show the filter box and hide the branches whose
// names do not match. Without scripts the whole tree is shown and the form works the same.
(function () {
  "use strict";
  function normalise(text) {
    return text.toLocaleLowerCase("sv").normalize("NFC").trim();
  }
  function filter(picker, query) {
    var wanted = normalise(query);
    var items = Array.prototype.slice.call(picker.querySelectorAll("li")).reverse();
    items.forEach(function (item) {
      var own = normalise(item.querySelector("span").textContent);
      var childShown = Array.prototype.some.call(item.querySelectorAll(":scope > ul > li"), function (li) {
        return !li.hidden;
      });
      item.hidden = !(wanted === "" || own.indexOf(wanted) !== -1 || childShown);
    });
  }
  document.querySelectorAll("[data-tree-picker]").forEach(function (picker) {
    var box = picker.querySelector(".tree-picker__filter");
    var input = picker.querySelector("[data-tree-filter]");
    if (!box || !input) return;
    box.hidden = false;
    input.addEventListener("input", function () { filter(picker, input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // filtering, not submitting
    });
  });
})();

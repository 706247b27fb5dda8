// A "check all" box ([data-check-all]) ticks or clears every row's box (input[name=ids]).
document.querySelectorAll("[data-check-all]").forEach(function (box) {
  box.addEventListener("change", function () {
    document.querySelectorAll("input[name=ids]").forEach(function (item) { item.checked = box.checked; });
  });
});

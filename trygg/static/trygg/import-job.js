/* Import job page: ask the server every second how far the import has come; when it has
   finished, reload so that the page shows the result (rendered by the server). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var template = text.dataset.rowsTemplate; /* "%(done)s of %(total)s rows" */
  var checking = text.dataset.checking;
  function show(job) {
    if (job.finished) { window.location.reload(); return; }
    if (job.rows_total) {
      bar.value = job.percent;
      text.textContent = job.rows_processed
        ? template.replace("%(done)s", job.rows_processed.toLocaleString("sv-SE"))
                  .replace("%(total)s", job.rows_total.toLocaleString("sv-SE"))
        : checking.replace("%(total)s", job.rows_total.toLocaleString("sv-SE"));
    } else {
      text.textContent = job.status_label;
    }
    window.setTimeout(poll, 1000);
  }
  function poll() {
    fetch(box.dataset.jobStatusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();

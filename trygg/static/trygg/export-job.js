/* Export job page: ask the server every second how far the export has come; when it has
   finished, reload so that the page shows the download link or the error (rendered by the
   server). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var template = text.dataset.stepsTemplate; /* "Step %(done)s of %(total)s" */
  function show(job) {
    if (job.finished) { window.location.reload(); return; }
    bar.value = job.percent;
    text.textContent = job.steps_total
      ? template.replace("%(done)s", job.steps_done).replace("%(total)s", job.steps_total)
      : job.status_label;
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

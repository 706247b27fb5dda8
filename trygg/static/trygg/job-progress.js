/* Job page (a file import or a lägesbild export): ask the server every second how far the job
   has come; when it has finished, reload so that the page shows the result, the download link
   or the error (rendered by the server). The page's text element says how to word progress:
   data-rows-template/data-checking for rows (imports), data-steps-template for steps (exports). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var words = text.dataset;
  function number(n) { return n.toLocaleString("sv-SE"); }
  function fill(template, done, total) {
    return template.replace("%(done)s", done).replace("%(total)s", total);
  }
  function describe(job) {
    if (words.rowsTemplate && job.rows_total) { /* "%(done)s of %(total)s rows" */
      return job.rows_processed
        ? fill(words.rowsTemplate, number(job.rows_processed), number(job.rows_total))
        : words.checking.replace("%(total)s", number(job.rows_total));
    }
    if (words.stepsTemplate && job.steps_total) { /* "Step %(done)s of %(total)s" */
      return fill(words.stepsTemplate, job.steps_done, job.steps_total);
    }
    return job.status_label;
  }
  function show(job) {
    if (job.finished) { window.location.reload(); return; }
    if (job.rows_total || job.steps_total) { bar.value = job.percent; }
    text.textContent = describe(job);
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

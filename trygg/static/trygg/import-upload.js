/* Upload page: show how much of a large file has been sent, then follow to the job page. */
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length || input.files[0].size < 1024 * 1024 || !window.XMLHttpRequest) {
        return; /* small files: an ordinary post is quick enough */
      }
      event.preventDefault();
      var bar = form.querySelector(".upload-progress");
      var text = form.querySelector("[data-progress-text]");
      bar.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        bar.value = Math.round(100 * e.loaded / e.total);
        text.textContent = bar.value < 100 ? text.dataset.uploading + " " + bar.value + " %" : text.dataset.uploaded;
      });
      xhr.addEventListener("load", function () {
        /* A valid form redirects to the job page; a form with errors comes back as a page. */
        if (xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.send(new FormData(form));
    });
  });
})();

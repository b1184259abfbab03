// Circulation desk: post scan forms with fetch, show each result on top of the list, clear the field
// and focus it again, so a barcode scanner (which types the code and presses Enter) can scan item after
// item. Without this script the forms post normally and the page returns with the result.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser) { return; }

  function scanField() {
    return document.querySelector("[data-scan-field]");
  }

  function refocus() {
    var field = scanField();
    if (field) { field.value = ""; field.focus(); }
  }

  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var list = document.getElementById("results");
    var result = doc.querySelector(".result");
    if (!result) {  // an error page (signed out, refused form): show its message as a result
      var message = doc.querySelector("[data-testid=error-message]");
      result = document.createElement("li");
      result.className = "result result-refused";
      result.setAttribute("data-testid", "scan-result");
      result.setAttribute("data-kind", "refused");
      result.textContent = message ? message.textContent : "The request failed: reload the page.";
    }
    if (list) {
      list.insertBefore(document.importNode(result, true), list.firstChild);
    }
    var summary = doc.getElementById("patron-summary");
    var current = document.getElementById("patron-summary");
    if (summary && current) {
      current.parentNode.replaceChild(document.importNode(summary, true), current);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-scan")) { return; }
    event.preventDefault();
    if (form.getAttribute("data-busy") === "1") { return; }
    form.setAttribute("data-busy", "1");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Fragment": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected || (response.headers.get("content-type") || "").indexOf("text/html") !== 0) {
        window.location.reload();
        return null;
      }
      return response.text();
    }).then(function (html) {
      if (html !== null) { show(html); }
    }).catch(function () {
      form.removeAttribute("data-scan");  // network trouble: fall back to a normal post
      form.submit();
    }).then(function () {
      form.removeAttribute("data-busy");
      if (button) { button.disabled = false; }
      if (form.classList.contains("override-form")) {
        var item = form.closest(".result");
        if (item) { form.remove(); }
      }
      refocus();
    });
  });
})();

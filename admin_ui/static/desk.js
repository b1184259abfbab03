// Circulation desk: post scan forms with fetch and show each result on top of the list, so a barcode
// scanner (which types the code and presses Enter) can scan item after item. Without this script the forms
// post normally and the page returns with the result.
//
// Scans are queued: Enter takes the field's value at once (the field is cleared then, never later, so a
// scan typed while the previous one is answered is not wiped), and the queue sends one scan at a time in
// order. When the session has ended, the scans not yet answered are kept (sessionStorage, this page only):
// the result asks to sign in again, and back on the page they are offered for sending.
// F9 or Esc on the checkout page finishes the patron and starts the next (data-next-patron).
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser) { return; }

  var queue = [];
  var busy = false;
  var KEPT = "ils.desk.kept:" + window.location.pathname + window.location.search;

  function scanField(form) {
    return (form || document).querySelector("[data-scan-field]");
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  function pendingItem(label) {
    var list = document.getElementById("results");
    if (!list || !label) { return null; }
    var item = element("li", "result result-pending", "Sending " + label + "…");
    item.setAttribute("data-testid", "scan-pending");
    list.insertBefore(item, list.firstChild);
    return item;
  }

  function place(node, pending) {
    var list = document.getElementById("results");
    if (pending && pending.parentNode) {
      pending.parentNode.replaceChild(node, pending);
    } else if (list) {
      list.insertBefore(node, list.firstChild);
    }
  }

  function refusedItem(text, code) {
    var item = element("li", "result result-refused");
    item.setAttribute("data-testid", "scan-result");
    item.setAttribute("data-kind", "refused");
    if (code) { item.setAttribute("data-code", code); }
    item.appendChild(element("p", "refusal", text));
    return item;
  }

  function show(doc, pending) {
    var result = doc.querySelector(".result");
    if (!result) {  // an error page (refused form): its message as a result
      var message = doc.querySelector("[data-testid=error-message]");
      place(refusedItem(message ? message.textContent : "The request failed: reload the page."), pending);
    } else {
      place(document.importNode(result, true), pending);
    }
    var summary = doc.getElementById("patron-summary");
    var current = document.getElementById("patron-summary");
    if (summary && current) {
      current.parentNode.replaceChild(document.importNode(summary, true), current);
    }
  }

  function freshToken(doc) {
    // a stale token (the session was renewed elsewhere): the answer carries the session's token; later
    // scans use it
    var token = doc.querySelector("input[name=csrf_token]");
    if (!token || !token.value) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf_token]"), function (input) {
      input.value = token.value;
    });
  }

  function keep(entries) {
    var kept = [];
    try { kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "[]"); } catch (e) { kept = []; }
    entries.forEach(function (entry) { if (entry.label) { kept.push({ action: entry.action, fields: entry.fields }); } });
    try { window.sessionStorage.setItem(KEPT, JSON.stringify(kept)); } catch (e) { /* private mode: lost */ }
    return kept.length;
  }

  function sessionLost(entry) {
    var lost = [entry].concat(queue);
    queue = [];
    lost.forEach(function (e) { if (e.pending && e.pending.parentNode) { e.pending.parentNode.removeChild(e.pending); } });
    var count = keep(lost);
    var item = refusedItem("Your session has ended. " + count + " scan" + (count === 1 ? " is" : "s are") +
                           " kept: sign in again and send " + (count === 1 ? "it" : "them") + ".", "SESSION_ENDED");
    var link = element("a", "btn btn-small", "Sign in again");
    link.href = "/staff/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    link.setAttribute("data-testid", "sign-in-again");
    item.appendChild(link);
    place(item, null);
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, key) { if (typeof value === "string") { fields.push([key, value]); } });
    return fields;
  }

  function body(fields) {
    var data = new FormData();
    var token = document.querySelector("input[name=csrf_token]");
    fields.forEach(function (pair) {
      // a kept scan carries the token of its time: the page's current one replaces it
      data.append(pair[0], pair[0] === "csrf_token" && token ? token.value : pair[1]);
    });
    return data;
  }

  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    var entry = queue.shift();
    fetch(entry.action, {
      method: "POST",
      body: body(entry.fields),
      headers: { "X-Fragment": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected || (response.headers.get("content-type") || "").indexOf("text/html") !== 0) {
        window.location.reload();
        return null;
      }
      return response.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (doc.querySelector("[data-session-lost]")) {
          sessionLost(entry);
          return null;
        }
        if (doc.querySelector("[data-token-stale]")) {
          freshToken(doc);
          var field = scanField();
          if (field && !field.value && entry.label) { field.value = entry.label; }  // keep what was entered
        }
        show(doc, entry.pending);
        if (entry.done) { entry.done(); }
        return null;
      });
    }).catch(function () {
      if (entry.pending && entry.pending.parentNode) { entry.pending.parentNode.removeChild(entry.pending); }
      place(refusedItem("The network did not answer: " + (entry.label || "the request") + " was not sent. Scan it again."), null);
    }).then(function () {
      busy = false;
      next();
    });
  }

  function enqueue(action, fields, label, done) {
    queue.push({ action: action, fields: fields, label: label, pending: pendingItem(label), done: done });
    next();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-scan")) { return; }
    event.preventDefault();
    var field = scanField(form);
    var label = field ? field.value.trim() : "";
    if (field && !label) { field.focus(); return; }
    var fields = fieldsOf(form);
    if (field) {
      field.value = "";  // now, while nothing else is typed: the next scan starts on an empty field
      field.focus();
    }
    var single = form.closest(".result");  // a button in a result (override, check in, renew): used once
    if (single) {
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    }
    enqueue(form.action, fields, label || (form.querySelector("[name=barcode]") || {}).value || "", function () {
      if (single && form.parentNode) { form.parentNode.removeChild(form); }
      var again = scanField();
      if (again && document.activeElement === document.body) { again.focus(); }
    });
  });

  // scans kept when the session ended, offered again on this page once signed in
  function offerKept() {
    var kept = [];
    try { kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "[]"); } catch (e) { kept = []; }
    var list = document.getElementById("results");
    if (!kept.length || !list || !document.querySelector("input[name=csrf_token]")) { return; }
    var notice = element("div", "notice notice-info");
    notice.setAttribute("role", "status");
    notice.setAttribute("data-testid", "kept-scans");
    var labels = kept.map(function (k) {
      var barcode = k.fields.filter(function (p) { return p[0] === "barcode"; })[0];
      return barcode ? barcode[1] : "?";
    });
    notice.appendChild(element("span", "", "Kept from before you signed in again: " + labels.join(", ") + ". "));
    var send = element("button", "btn btn-small btn-primary", "Send " + (kept.length === 1 ? "it" : "them all"));
    send.type = "button";
    var drop = element("button", "btn btn-small", "Discard");
    drop.type = "button";
    notice.appendChild(send);
    notice.appendChild(drop);
    list.parentNode.insertBefore(notice, list);
    function clear() {
      window.sessionStorage.removeItem(KEPT);
      notice.parentNode.removeChild(notice);
      var field = scanField();
      if (field) { field.focus(); }
    }
    send.addEventListener("click", function () {
      kept.forEach(function (k, i) { enqueue(k.action, k.fields, labels[i]); });
      clear();
    });
    drop.addEventListener("click", clear);
  }
  offerKept();

  document.addEventListener("keydown", function (event) {
    if (event.key !== "F9" && event.key !== "Escape") { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var desk = document.querySelector("[data-next-patron]");
    if (!desk || (event.key === "Escape" && document.querySelector("details[open]"))) { return; }
    event.preventDefault();
    window.location.href = desk.getAttribute("data-next-patron");
  });
})();

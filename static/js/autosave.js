// Autosave of a questionnaire step: nothing typed is lost, whichever way the manager leaves.
// A moment after each change the form is posted with action=autosave (JSON back), and the state
// shows beside the buttons. Leaving through a link or the language menu first finishes the save;
// closing the tab with unsaved changes asks first. Without this script the buttons still save.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var state = document.getElementById("save-state");
  if (!form || !state || !window.fetch) return;
  var words = document.currentScript.dataset;
  var DELAY = 800; // long enough to type "40,5" without a save per key
  var dirty = false, timer = null, pending = null, submitting = false;

  function show(text, kind) {
    state.textContent = text;
    state.className = "save-state" + (kind ? " " + kind : "");
  }

  function markErrors(errors) {
    form.querySelectorAll("[aria-invalid=true]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    Object.keys(errors || {}).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (el) { el.setAttribute("aria-invalid", "true"); });
    });
  }

  function save() {
    window.clearTimeout(timer);
    if (pending) return pending.then(function () { return dirty ? save() : true; });
    if (!dirty) return Promise.resolve(true);
    var body = new FormData(form);
    body.set("action", "autosave");
    dirty = false;
    show(words.saving, "");
    // Not form.action: the buttons named "action" shadow it.
    pending = fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
    }).then(function (reply) {
      pending = null;
      var answer = reply.answer;
      if (answer.saved) {
        form.elements.version.value = answer.version;
        markErrors({});
        show(answer.message, "saved");
        return true;
      }
      dirty = true;
      show(answer.message, "failed");
      if (answer.logged_out) {
        var link = document.createElement("a");
        link.href = answer.login_url;
        link.textContent = " →";
        state.appendChild(link);
      }
      markErrors(answer.errors);
      if (answer.conflict) { submitting = true; form.requestSubmit(); } // the server's conflict page
      return false;
    }).catch(function () {
      pending = null;
      dirty = true;
      show(words.failed, "failed");
      return false;
    });
    return pending;
  }

  function changed() {
    dirty = true;
    show(words.unsaved, "");
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { submitting = true; window.clearTimeout(timer); });

  // Links on the page (step picker, review, back, header): save first, then go.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("download") || link.getAttribute("href").charAt(0) === "#") return;
    if (!dirty && !pending) return;
    event.preventDefault();
    save().then(function (ok) { if (ok) window.location.assign(link.href); });
  });
  // The language menu and Log out post forms of their own: save first, then let them go.
  document.querySelectorAll("form:not([data-autosave])").forEach(function (other) {
    other.addEventListener("submit", function (event) {
      if (!dirty && !pending) return;
      event.preventDefault();
      save().then(function (ok) { if (ok) { submitting = true; other.submit(); } });
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if ((dirty || pending) && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
})();

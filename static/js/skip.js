// Skip logic on the step page: a question marked data-shown-if is shown only while the answer
// to that question (when it is on this page) is one of data-shown-values. A hidden question's
// fields are disabled, so they are not posted, and its answer is cleared when it is saved.
// A question decided on another step keeps the state the server rendered.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  var dependants = form.querySelectorAll("[data-shown-if]");
  if (!dependants.length) return;

  function chosen(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (!inputs.length) return null; // not on this page
    return Array.prototype.filter.call(inputs, function (i) { return i.checked && !i.disabled; })
      .map(function (i) { return i.value; });
  }

  function update() {
    dependants.forEach(function (question) {
      var values = chosen(question.dataset.shownIf);
      if (values === null) return;
      var allowed = JSON.parse(question.dataset.shownValues);
      var shown = values.some(function (v) { return allowed.indexOf(v) !== -1; });
      question.hidden = !shown;
      question.querySelectorAll("input, select, textarea").forEach(function (field) {
        if (!shown) {
          // Cleared as the server clears it: a hidden question has no answer.
          field.disabled = true;
          if (field.type === "radio" || field.type === "checkbox") field.checked = false;
          else field.value = "";
          return;
        }
        // Shown again: enabled, unless its own N/A box overrides it (forms.js).
        var na = question.querySelector("input[type=checkbox][name$='--na']");
        field.disabled = Boolean(na && na.checked && field !== na);
      });
    });
  }
  form.addEventListener("change", update);
  update();
})();

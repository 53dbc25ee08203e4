// Move focus to the error summary (or edit conflict) so keyboard and screen-reader users land on
// what went wrong; its links then move focus to the field itself, not just scroll to it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();

// "Not applicable to us" overrides the answer of its question: the field it overrides is
// disabled while it is ticked (its value stays in sight and comes back when N/A is unticked).
(function () {
  "use strict";
  document.querySelectorAll("input[type=checkbox][name$='--na']").forEach(function (na) {
    var question = na.closest(".question");
    if (!question) return;
    var fields = question.querySelectorAll(".percent-input input, .options input");
    function apply() { fields.forEach(function (field) { field.disabled = na.checked; }); }
    na.addEventListener("change", apply);
    apply();
  });
})();

// The phone's step picker is one row of chips that scrolls sideways: bring the current step
// into sight rather than leaving it cut off at the edge.
(function () {
  "use strict";
  var current = document.querySelector(".steps [aria-current=step]");
  var strip = current && current.closest(".steps");
  if (!strip || strip.scrollWidth <= strip.clientWidth) return;
  var chip = current.closest("li");
  strip.scrollLeft = chip.offsetLeft - (strip.clientWidth - chip.offsetWidth) / 2;
})();

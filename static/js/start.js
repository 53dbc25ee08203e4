// Picking another brand preselects that brand's default category (the manager can change it).
(function () {
  "use strict";
  var source = document.getElementById("default-categories");
  if (!source) return;
  var defaults = JSON.parse(source.textContent);
  var brand = document.getElementById("id_brand"), category = document.getElementById("id_category");
  brand.addEventListener("change", function () {
    if (defaults[brand.value]) category.value = String(defaults[brand.value]);
  });
})();

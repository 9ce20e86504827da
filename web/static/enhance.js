/* Progressive enhancement for every page: show what needs JavaScript, hide what replaces it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-js-only]").forEach(function (element) {
    element.hidden = false;
  });
  document.querySelectorAll("[data-no-js]").forEach(function (element) {
    element.hidden = true;
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

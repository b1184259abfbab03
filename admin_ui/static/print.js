// Receipts and slips: a Print button ([data-print]) opens the browser's print dialog; the print stylesheet
// (staff.css, @media print) leaves only the receipt on the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { event.preventDefault(); window.print(); }
  });
})();

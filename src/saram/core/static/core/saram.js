// Behaviour every page shares, without inline scripts or handlers (the Content Security Policy
// allows scripts from Saram's own static files only):
//   <select data-autosubmit>  sends its form when the choice changes;
//   <form data-confirm="…">   asks before it is sent (a destructive action).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

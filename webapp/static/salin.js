/* "Copy" buttons next to ready-to-copy citations (the text stays selectable without JavaScript). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (b) {
    var box = document.getElementById(b.getAttribute("data-copy"));
    if (!box || !navigator.clipboard) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(box.value).then(function () { b.setAttribute("data-copied", "1"); });
    });
  });
}());

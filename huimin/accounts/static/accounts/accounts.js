/* 重新获取验证码: while the server would still refuse a new code (data-wait seconds), the button says how
   long to wait and does nothing when pressed; it stays focusable and in its place. Without this script the
   button works and the server says how long to wait. */
(function () {
  "use strict";
  function countDown(button) {
    var left = parseInt(button.getAttribute("data-wait"), 10);
    if (!(left > 0)) {
      return;
    }
    var label = button.textContent;
    button.setAttribute("aria-disabled", "true");
    button.addEventListener("click", function (event) {
      if (button.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
      }
    });
    function tick() {
      if (left <= 0) {
        button.removeAttribute("aria-disabled");
        button.textContent = label;
        return;
      }
      button.textContent = label + "（" + left + " 秒后可用）";
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-wait]"), countDown);
  });
})();

// Polls the transcript sub-path every 10 s while an interview is live and appends new lines to the list
// inside the aria-live region. Without this script the "刷新实录" link reloads the page.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-endpoint");
  var list = document.getElementById("transcript-lines");
  if (!endpoint || !list || !window.fetch) {
    return;
  }
  var INTERVAL = 10000;
  function poll() {
    var after = list.getAttribute("data-after") || "0";
    fetch(endpoint + "?after=" + encodeURIComponent(after), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.count > 0) {
          var template = document.createElement("template");
          template.innerHTML = data.html;
          list.appendChild(template.content);
          list.setAttribute("data-after", String(data.last));
        }
        if (!data || data.state === "live") {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL);
      });
  }
  window.setTimeout(poll, INTERVAL);
})();

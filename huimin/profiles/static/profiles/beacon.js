/* The read beacon of 为您推荐: tells the site, once per page and browser tab, that this page was opened.
   For a signed-in citizen who switched on 个性化推荐, the page carries a CSRF token (data-csrf) and the read
   is recorded in their profile; for everybody else the site only counts the view, naming nobody.
   No token on the page: the csrftoken cookie, when there is one, is sent instead. */
(function () {
  "use strict";
  var script = document.getElementById("profile-beacon");
  if (!script || !window.fetch) { return; }
  var page = script.getAttribute("data-page");
  var url = script.getAttribute("data-url");
  if (!/^[0-9]{1,12}$/.test(page || "") || !url) { return; }
  // Signed in with 个性化推荐 on, the read is the citizen's, not just a count: remembered apart.
  var key = "huimin-read-" + page + (script.hasAttribute("data-csrf") ? "-mine" : "");
  try {
    if (window.sessionStorage.getItem(key)) {
      document.documentElement.setAttribute("data-read-recorded", "earlier");
      return;
    }
  } catch (e) { /* storage refused: send anyway */ }

  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var headers = { "Content-Type": "application/x-www-form-urlencoded" };
  var token = script.getAttribute("data-csrf") || cookieToken();
  if (token) { headers["X-CSRFToken"] = token; }
  window.fetch(url, {
    method: "POST",
    credentials: "same-origin",
    keepalive: true,
    headers: headers,
    body: "page=" + encodeURIComponent(page)
  }).then(function (response) {
    if (response.ok) {
      try { window.sessionStorage.setItem(key, "1"); } catch (e) { /* nothing to remember it in */ }
    }
    document.documentElement.setAttribute("data-read-recorded", response.ok ? "yes" : "no");
  }).catch(function () { /* the reader's page does not depend on it */ });
})();

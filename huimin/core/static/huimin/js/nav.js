/* The main navigation (主导航). Without this script: at 1024 px and wider the group headings are links and
   each group's links open under its heading on focus or hover; narrower, the 菜单 link leads to the 网站地图.
   With it: the 菜单 button (aria-expanded, aria-controls) opens and closes the navigation on narrow screens,
   each group heading becomes a button that opens its links on click or Enter (never on hover alone);
   ArrowDown on a heading opens it and moves into its links; Escape closes the open group (or the menu) and
   returns focus to its button; a click elsewhere closes it. */
(function () {
  "use strict";
  var nav = document.getElementById("main-nav");
  if (!nav) { return; }
  var wide = window.matchMedia ? window.matchMedia("(min-width: 64rem)") : { matches: true };
  var menuLink = nav.querySelector(".nav-menu-link");
  var menuButton = nav.querySelector(".nav-toggle");
  var toggles = [];

  nav.classList.add("nav-js");
  if (menuButton) {
    menuButton.hidden = false;
    if (menuLink) { menuLink.hidden = true; }
    menuButton.addEventListener("click", function () { setMenu(menuButton.getAttribute("aria-expanded") !== "true"); });
  }

  function setMenu(open) {
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("nav-open", open);
    if (!open) { closeAll(); }
  }

  function setGroup(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.parentNode.classList.toggle("nav-group-open", open);
  }

  function closeAll(except) {
    toggles.forEach(function (toggle) { if (toggle !== except) { setGroup(toggle, false); } });
  }

  var links = nav.querySelectorAll(".nav-group-link");
  for (var i = 0; i < links.length; i++) {
    toggles.push(makeToggle(links[i]));
  }

  function makeToggle(link) {
    var list = link.parentNode.querySelector(".nav-links");
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "nav-top nav-group-toggle";
    toggle.textContent = link.textContent;
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", list.id);
    if (link.hasAttribute("aria-current")) { toggle.setAttribute("aria-current", link.getAttribute("aria-current")); }
    link.parentNode.replaceChild(toggle, link);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      if (wide.matches) { closeAll(toggle); }
      setGroup(toggle, open);
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (wide.matches) { closeAll(toggle); }
        setGroup(toggle, true);
        var first = list.querySelector("a");
        if (first) { first.focus(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
      var items = Array.prototype.slice.call(list.querySelectorAll("a"));
      var index = items.indexOf(document.activeElement);
      if (index < 0) { return; }
      event.preventDefault();
      if (event.key === "ArrowUp" && index === 0) { toggle.focus(); return; }
      items[(index + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    });
    return toggle;
  }

  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = toggles.filter(function (toggle) { return toggle.getAttribute("aria-expanded") === "true"; });
    if (open.length) {
      event.preventDefault();
      closeAll();
      open[0].focus();
    } else if (menuButton && menuButton.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      setMenu(false);
      menuButton.focus();
    }
  });
  // On a wide screen a group's links are a drop-down: they close when the focus or a click goes elsewhere.
  document.addEventListener("click", function (event) {
    if (wide.matches && !nav.contains(event.target)) { closeAll(); }
  });
  nav.addEventListener("focusout", function (event) {
    if (!wide.matches || !event.relatedTarget) { return; }
    toggles.forEach(function (toggle) {
      if (!toggle.parentNode.contains(event.relatedTarget)) { setGroup(toggle, false); }
    });
  });
}());

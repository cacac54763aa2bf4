/* The home page's two widgets, built over markup that works without JavaScript:
   - 要闻轮播 ([data-carousel]): a list of slides becomes one slide at a time with a pause/play button,
     previous/next buttons and one button per slide. It advances by itself only in the standard version,
     when the reader has not asked for reduced motion, and stops while the pointer or the focus is on it.
   - Tabbed lists ([data-tabs]): headed lists become an ARIA tablist (arrow keys, Home, End).
   First-party, no inline script (the public CSP is script-src 'self'). */
(function () {
  "use strict";
  var INTERVAL = 6000;

  function motionAllowed() {
    var root = document.documentElement;
    if (!root.classList.contains("mode-standard")) return false;
    return !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function button(text, className, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function carousel(root) {
    var list = root.querySelector(".carousel-slides");
    var slides = Array.prototype.slice.call(root.querySelectorAll(".carousel-slide"));
    if (!list || slides.length < 2) return;
    var current = 0, timer = null, stoppedByReader = !motionAllowed(), hovered = false, focused = false;

    var controls = document.createElement("div");
    controls.className = "carousel-controls";
    var pause = button("", "carousel-pause");
    var prev = button("上一张", "carousel-prev");
    var next = button("下一张", "carousel-next");
    var dots = document.createElement("ul");
    dots.className = "carousel-dots";
    var dotButtons = slides.map(function (slide, i) {
      var caption = slide.querySelector(".carousel-caption");
      var b = button(String(i + 1), "carousel-dot",
        "第" + (i + 1) + "张：" + (caption ? caption.textContent.trim() : ""));
      b.setAttribute("aria-controls", slide.id);
      b.addEventListener("click", function () { show(i, false); });
      var li = document.createElement("li");
      li.appendChild(b);
      dots.appendChild(li);
      return b;
    });
    controls.appendChild(pause);
    controls.appendChild(prev);
    controls.appendChild(next);
    controls.appendChild(dots);
    list.parentNode.insertBefore(controls, list.nextSibling);
    list.setAttribute("aria-live", "off");
    root.classList.add("carousel-ready");

    function show(index, automatic) {
      current = (index + slides.length) % slides.length;
      slides.forEach(function (slide, i) { slide.hidden = i !== current; });
      dotButtons.forEach(function (b, i) {
        if (i === current) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      list.setAttribute("aria-live", automatic ? "off" : "polite");
      root.setAttribute("data-current", String(current));
    }
    function running() { return !stoppedByReader && !hovered && !focused; }
    function schedule() {
      window.clearInterval(timer);
      timer = null;
      if (running()) timer = window.setInterval(function () { show(current + 1, true); }, INTERVAL);
      root.setAttribute("data-playing", running() ? "true" : "false");
    }
    function label() {
      pause.textContent = stoppedByReader ? "播放" : "暂停";
      pause.setAttribute("aria-label", stoppedByReader ? "播放轮播" : "暂停轮播");
    }
    pause.addEventListener("click", function () { stoppedByReader = !stoppedByReader; label(); schedule(); });
    prev.addEventListener("click", function () { show(current - 1, false); });
    next.addEventListener("click", function () { show(current + 1, false); });
    root.addEventListener("mouseenter", function () { hovered = true; schedule(); });
    root.addEventListener("mouseleave", function () { hovered = false; schedule(); });
    root.addEventListener("focusin", function () { focused = true; schedule(); });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) { focused = false; schedule(); }
    });
    label();
    show(0, true);
    schedule();
  }

  function tabs(root, n) {
    var panels = Array.prototype.slice.call(root.querySelectorAll(":scope > .home-panel"));
    if (panels.length < 2) return;
    var tablist = document.createElement("div");
    tablist.className = "home-tablist";
    tablist.setAttribute("role", "tablist");
    var heading = root.parentNode.querySelector(".home-block-title");
    if (heading && heading.id) tablist.setAttribute("aria-labelledby", heading.id);
    var tabButtons = panels.map(function (panel, i) {
      var title = panel.querySelector(".home-panel-title");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = panel.id + "-tab";
      tab.textContent = title ? title.textContent.trim() : String(i + 1);
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      tab.addEventListener("click", function () { select(i, false); });
      tab.addEventListener("keydown", function (event) {
        var to = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") to = i + 1;
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") to = i - 1;
        else if (event.key === "Home") to = 0;
        else if (event.key === "End") to = panels.length - 1;
        if (to === null) return;
        event.preventDefault();
        select((to + panels.length) % panels.length, true);
      });
      tablist.appendChild(tab);
      return tab;
    });
    function select(index, moveFocus) {
      tabButtons.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (moveFocus) tabButtons[index].focus();
    }
    root.insertBefore(tablist, root.firstChild);
    root.classList.add("tabs-ready");
    select(0, false);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-carousel]"), carousel);
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), tabs);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

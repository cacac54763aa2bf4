/* The assist toolbar (无障碍辅助浏览), first-party.
 *
 * Loaded synchronously in <head> on every page except the plain-text version: the reader's saved choices are
 * applied to <html> at once, before the first paint, and the panel is wired once the document is parsed.
 * Choices live in localStorage under one key as JSON; whatever is stored there is validated, and anything
 * unexpected falls back to the default, so a corrupt value can never break a page. No cookies.
 */
(function () {
  "use strict";

  var KEY = "huimin-assist";
  var root = document.documentElement;
  var STEPS = [100, 125, 150, 175, 200];
  var SCHEMES = { default: "", contrast: "assist-contrast", gray: "assist-gray", eyecare: "assist-eyecare" };
  var SCHEME_NAMES = { default: "默认配色", contrast: "高对比度", gray: "黑白模式", eyecare: "护眼模式" };
  var RATES = { 0.7: "慢", 1: "中", 1.4: "快" };
  var TOGGLE_NAMES = { cursor: "大鼠标", guide: "辅助线", crosshair: "十字线", point: "指读" };
  var DEFAULTS = {
    text: 100,
    zoom: 100,
    scheme: "default",
    cursor: false,
    guide: false,
    crosshair: false,
    point: false,
    rate: 1,
  };

  function defaults() {
    var copy = {};
    for (var name in DEFAULTS) copy[name] = DEFAULTS[name];
    return copy;
  }

  /* The saved settings, each field checked on its own; never throws. */
  function load() {
    var settings = defaults();
    var saved;
    try {
      saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
    } catch (error) {
      return settings;
    }
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) return settings;
    if (STEPS.indexOf(saved.text) >= 0) settings.text = saved.text;
    if (STEPS.indexOf(saved.zoom) >= 0) settings.zoom = saved.zoom;
    if (typeof saved.scheme === "string" && Object.prototype.hasOwnProperty.call(SCHEMES, saved.scheme)) {
      settings.scheme = saved.scheme;
    }
    ["cursor", "guide", "crosshair", "point"].forEach(function (name) {
      if (typeof saved[name] === "boolean") settings[name] = saved[name];
    });
    if (typeof saved.rate === "number" && Object.prototype.hasOwnProperty.call(RATES, saved.rate)) {
      settings.rate = saved.rate;
    }
    return settings;
  }

  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      /* Storage refused (private browsing, quota): the choice still holds on this page. */
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(KEY);
    } catch (error) {
      /* Nothing stored that could be removed. */
    }
  }

  /* Everything that only needs <html>: runs before the first paint. */
  function applyToRoot() {
    root.classList.toggle("assist-text", state.text !== 100);
    if (state.text !== 100) root.style.setProperty("--assist-text-scale", String(state.text / 100));
    else root.style.removeProperty("--assist-text-scale");
    root.classList.toggle("assist-zoom", state.zoom !== 100);
    if (state.zoom !== 100) root.style.setProperty("--assist-zoom-scale", String(state.zoom / 100));
    else root.style.removeProperty("--assist-zoom-scale");
    for (var scheme in SCHEMES) {
      if (SCHEMES[scheme]) root.classList.toggle(SCHEMES[scheme], state.scheme === scheme);
    }
    root.classList.toggle("assist-cursor", state.cursor);
  }

  var state = load();
  applyToRoot();

  /* ---- Guide lines: follow the pointer; outside <body>, so page zoom and filters never move them. ---- */

  var lines = { horizontal: null, vertical: null };

  function makeLine(kind) {
    var line = document.createElement("div");
    line.className = "assist-line assist-line-" + kind;
    line.setAttribute("aria-hidden", "true");
    line.hidden = true;
    root.appendChild(line);
    return line;
  }

  function onPointerMove(event) {
    if (lines.horizontal) {
      lines.horizontal.hidden = false;
      lines.horizontal.style.transform = "translateY(" + (event.clientY - 2) + "px)";
    }
    if (lines.vertical) {
      lines.vertical.hidden = false;
      lines.vertical.style.transform = "translateX(" + (event.clientX - 2) + "px)";
    }
  }

  function syncLines() {
    var wantHorizontal = state.guide || state.crosshair;
    var wantVertical = state.crosshair;
    if (wantHorizontal && !lines.horizontal) lines.horizontal = makeLine("horizontal");
    if (!wantHorizontal && lines.horizontal) {
      lines.horizontal.remove();
      lines.horizontal = null;
    }
    if (wantVertical && !lines.vertical) lines.vertical = makeLine("vertical");
    if (!wantVertical && lines.vertical) {
      lines.vertical.remove();
      lines.vertical = null;
    }
    if (wantHorizontal) document.addEventListener("pointermove", onPointerMove, { passive: true });
    else document.removeEventListener("pointermove", onPointerMove);
  }

  /* ---- Speech: 指读 (the element under focus or pointer) and 连读 (the whole main content). ---- */

  var synth = "speechSynthesis" in window && window.speechSynthesis;
  var canSpeak = !!(synth && typeof window.SpeechSynthesisUtterance === "function");
  var READABLE =
    "a, button, img, input, select, textarea, label, summary, h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, " +
    "caption, figcaption, legend, blockquote";
  var reading = null;
  var lastPointed = null;

  function squash(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function isHidden(element) {
    if (element.hidden || element.getAttribute("aria-hidden") === "true") return true;
    var style = window.getComputedStyle(element);
    return style.display === "none" || style.visibility === "hidden";
  }

  /* The text of an element as a listener should hear it: its words, and the alt text of its pictures. */
  function textOf(element) {
    var parts = [];
    (function walk(node) {
      if (node.nodeType === 3) parts.push(node.nodeValue);
      if (node.nodeType !== 1 || isHidden(node)) return;
      if (node.tagName === "IMG") parts.push(" " + (node.getAttribute("alt") || "") + " ");
      else for (var child = node.firstChild; child; child = child.nextSibling) walk(child);
    })(element);
    return squash(parts.join(""));
  }

  function labelledBy(element) {
    var ids = (element.getAttribute("aria-labelledby") || "").split(/\s+/);
    return squash(
      ids
        .map(function (id) {
          var target = id && document.getElementById(id);
          return target ? textOf(target) : "";
        })
        .join(" ")
    );
  }

  /* The accessible text of one element: its label, its alt text, or its content. */
  function accessibleText(element) {
    var label = squash(element.getAttribute("aria-label")) || labelledBy(element);
    if (label) return label;
    var tag = element.tagName;
    if (tag === "IMG" || (tag === "INPUT" && element.type === "image")) return squash(element.alt);
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      var names = Array.prototype.map.call(element.labels || [], textOf).join(" ");
      if (tag === "SELECT" && element.selectedIndex >= 0) {
        names += "，" + squash(element.options[element.selectedIndex].text);
      }
      return squash(names || element.getAttribute("placeholder") || element.title);
    }
    return textOf(element) || squash(element.title);
  }

  var zhVoice = null;

  function pickVoice() {
    var voices = synth.getVoices() || [];
    zhVoice =
      voices.filter(function (voice) {
        return /^zh[-_]CN/i.test(voice.lang);
      })[0] ||
      voices.filter(function (voice) {
        return /^zh/i.test(voice.lang);
      })[0] ||
      null;
  }

  function utterance(text) {
    var spoken = new window.SpeechSynthesisUtterance(text);
    spoken.lang = "zh-CN";
    spoken.rate = state.rate;
    if (zhVoice) spoken.voice = zhVoice;
    return spoken;
  }

  function say(text) {
    if (!canSpeak || !text) return;
    reading = null;
    synth.cancel();
    synth.speak(utterance(text));
  }

  function stopSpeaking() {
    reading = null;
    if (canSpeak) synth.cancel();
  }

  /* The main content in reading order, cut into blocks (and long blocks into sentences). */
  function mainChunks() {
    var main = document.getElementById("main");
    var chunks = [];
    var current = [];
    if (!main) return chunks;
    function flush() {
      var text = squash(current.join(""));
      current = [];
      if (!text) return;
      while (text.length > 160) {
        var cut = text.slice(0, 160).search(/[。！？；!?;][^。！？；!?;]*$/);
        var end = cut > 20 ? cut + 1 : 160;
        chunks.push(text.slice(0, end));
        text = text.slice(end).trim();
      }
      if (text) chunks.push(text);
    }
    (function walk(node) {
      if (node.nodeType === 3) {
        current.push(node.nodeValue);
        return;
      }
      if (node.nodeType !== 1 || isHidden(node)) return;
      var tag = node.tagName;
      if (/^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT|INPUT|SELECT|TEXTAREA)$/.test(tag)) return;
      if (tag === "IMG") {
        current.push(" " + (node.getAttribute("alt") || "") + " ");
        return;
      }
      var display = window.getComputedStyle(node).display;
      var block = display.indexOf("inline") !== 0 && display !== "contents";
      if (block) flush();
      for (var child = node.firstChild; child; child = child.nextSibling) walk(child);
      if (block) flush();
    })(main);
    flush();
    return chunks;
  }

  function readFrom(chunks, start) {
    var run = { chunks: chunks, index: start };
    synth.cancel();
    reading = run;
    chunks.slice(start).forEach(function (text, offset) {
      var spoken = utterance(text);
      spoken.onstart = function () {
        if (reading === run) run.index = start + offset;
      };
      spoken.onend = function () {
        if (reading === run && start + offset === chunks.length - 1) reading = null;
      };
      synth.speak(spoken);
    });
  }

  function readableFrom(target) {
    if (!target || target.nodeType !== 1 || !target.closest) return null;
    var element = target.closest(READABLE);
    if (!element || element.closest("[aria-hidden='true']")) return null;
    return element;
  }

  function onFocusIn(event) {
    var target = event.target;
    if (!target || target === document.body || target.id === "main") return;
    lastPointed = target;
    say(accessibleText(target));
  }

  /* Only a pointer that really moved: scrolling under a still pointer fires mouseover, but no mousemove. */
  function onPointerMoveRead(event) {
    var element = readableFrom(event.target);
    if (!element || element === lastPointed) return;
    lastPointed = element;
    say(accessibleText(element));
  }

  function syncPointReading() {
    if (state.point && canSpeak) {
      document.addEventListener("focusin", onFocusIn);
      document.addEventListener("mousemove", onPointerMoveRead, { passive: true });
    } else {
      document.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("mousemove", onPointerMoveRead);
      lastPointed = null;
    }
  }

  /* ---- The panel. ---- */

  var ui = {};

  function announce(message) {
    if (!ui.status) return;
    ui.status.textContent = "";
    window.setTimeout(function () {
      ui.status.textContent = message;
    }, 50);
  }

  function buttons(action) {
    return Array.prototype.slice.call(ui.panel.querySelectorAll('[data-assist="' + action + '"]'));
  }

  function render() {
    ui.panel.querySelector('[data-assist-value="text"]').textContent = state.text + "%";
    ui.panel.querySelector('[data-assist-value="zoom"]').textContent = state.zoom + "%";
    buttons("scheme").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-value") === state.scheme));
    });
    buttons("rate").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-value")) === state.rate));
    });
    ["cursor", "guide", "crosshair", "point"].forEach(function (name) {
      buttons(name).forEach(function (button) {
        button.setAttribute("aria-pressed", String(state[name]));
      });
    });
  }

  function update(message) {
    applyToRoot();
    syncLines();
    syncPointReading();
    render();
    save();
    announce(message);
  }

  function step(name, label, direction) {
    var index = STEPS.indexOf(state[name]) + direction;
    if (index < 0 || index >= STEPS.length) {
      announce(label + "：" + state[name] + "%，" + (direction > 0 ? "已是最大" : "已是最小"));
      return;
    }
    state[name] = STEPS[index];
    update(label + "：" + state[name] + "%");
  }

  function setOpen(open, returnFocus) {
    ui.toggle.setAttribute("aria-expanded", String(open));
    ui.panel.hidden = !open;
    if (!open && returnFocus) ui.toggle.focus();
  }

  var actions = {
    "text-up": function () {
      step("text", "文字大小", 1);
    },
    "text-down": function () {
      step("text", "文字大小", -1);
    },
    "zoom-up": function () {
      step("zoom", "页面缩放", 1);
    },
    "zoom-down": function () {
      step("zoom", "页面缩放", -1);
    },
    scheme: function (button) {
      var scheme = button.getAttribute("data-value");
      if (!Object.prototype.hasOwnProperty.call(SCHEMES, scheme)) return;
      state.scheme = scheme;
      update(scheme === "default" ? "已恢复默认配色" : "已开启" + SCHEME_NAMES[scheme]);
    },
    rate: function (button) {
      var rate = Number(button.getAttribute("data-value"));
      if (!Object.prototype.hasOwnProperty.call(RATES, rate)) return;
      state.rate = rate;
      update("语速：" + RATES[rate]);
      if (reading) readFrom(reading.chunks, reading.index);
      else if (state.point) say("语速：" + RATES[rate]);
    },
    "read-all": function () {
      var chunks = mainChunks();
      if (!canSpeak || !chunks.length) return;
      announce("开始连读正文");
      readFrom(chunks, 0);
    },
    stop: function () {
      stopSpeaking();
      announce("已停止朗读");
    },
    reset: function () {
      stopSpeaking();
      state = defaults();
      update("已恢复默认设置");
      forget();
    },
    close: function () {
      setOpen(false, true);
    },
  };
  Object.keys(TOGGLE_NAMES).forEach(function (name) {
    actions[name] = function () {
      state[name] = !state[name];
      update((state[name] ? "已开启" : "已关闭") + TOGGLE_NAMES[name]);
      if (name === "point") {
        if (state.point) say("指读已开启");
        else stopSpeaking();
      }
    };
  });

  function wire() {
    ui.toggle = document.getElementById("assist-toggle");
    ui.panel = document.getElementById("assist-panel");
    ui.status = document.getElementById("assist-status");
    syncLines();
    if (!ui.toggle || !ui.panel) return;

    if (!canSpeak) {
      ui.panel.querySelectorAll("[data-speech]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-describedby", "assist-speech-note");
      });
      document.getElementById("assist-speech-note").hidden = false;
    } else {
      pickVoice();
      if ("onvoiceschanged" in synth) synth.addEventListener("voiceschanged", pickVoice);
      window.addEventListener("pagehide", stopSpeaking);
    }
    syncPointReading();
    render();

    ui.toggle.hidden = false;
    ui.toggle.addEventListener("click", function () {
      setOpen(ui.panel.hidden, false);
    });
    ui.panel.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-assist]");
      if (!button || button.disabled) return;
      var action = actions[button.getAttribute("data-assist")];
      if (action) action(button);
    });
    [ui.toggle, ui.panel].forEach(function (element) {
      element.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !ui.panel.hidden) {
          event.preventDefault();
          setOpen(false, true);
        }
      });
    });
    /* Another tab changed the settings: follow it. */
    window.addEventListener("storage", function (event) {
      if (event.key !== KEY && event.key !== null) return;
      state = load();
      applyToRoot();
      syncLines();
      syncPointReading();
      render();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();

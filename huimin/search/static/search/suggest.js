/* Suggestions while typing in a search box: an ARIA 1.2 combobox with a listbox popup, for every
   input[data-suggest-url] on the page (the header's box and the /search/ page's own). Without this script
   each box is a plain search field. Keys: ArrowDown/ArrowUp move through the suggestions, Enter picks the
   highlighted one, Escape closes the list (a second Escape clears nothing). */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var inputs = document.querySelectorAll("input[data-suggest-url]");
  for (var n = 0; n < inputs.length; n++) {
    if (inputs[n].id && !inputs[n].hasAttribute("data-suggest-ready")) { combobox(inputs[n]); }
  }

  function combobox(input) {
    input.setAttribute("data-suggest-ready", "");
    var url = input.getAttribute("data-suggest-url");
    var list = document.createElement("ul");
    list.id = input.id + "-listbox";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    input.parentNode.appendChild(list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      input.value = items[index].textContent;
      close();
      if (input.form) { input.form.submit(); }
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (text, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = text;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = "有 " + items.length + " 条建议，按上下方向键选择。";
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      var mine = ++serial;
      if (!q) { show([]); return; }
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === serial) { show(data.suggestions || []); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } }
        else if (items.length) { highlight((active + 1) % items.length); }
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        if (!list.hidden && items.length) { highlight(active <= 0 ? items.length - 1 : active - 1); }
        event.preventDefault();
      } else if (event.key === "Escape") {
        if (!list.hidden) { close(); event.preventDefault(); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }
}());

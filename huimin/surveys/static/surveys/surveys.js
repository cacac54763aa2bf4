/* Conditional questions of a questionnaire (征集调查): a question marked data-show-if="q2" and
   data-show-value="1" is shown only while option 1 of question 2 is chosen (and question 2 is itself shown).
   A change is announced in the page's polite live region, so a screen reader hears that a question appeared
   or went away. Without this script every question is shown, with its condition written in its hint; the
   server ignores the answers of questions a condition hides either way. */
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  var announcer = document.getElementById("survey-announce");
  if (!form) return;
  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  if (!blocks.length) return;

  function chosen(name) {
    var values = [];
    var inputs = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) values.push(inputs[i].value);
    }
    return values;
  }

  function title(block) {
    var heading = block.querySelector("legend, label");
    return heading ? heading.textContent.replace("（必填）", "").trim() : "";
  }

  function announce(messages) {
    if (!announcer || !messages.length) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = messages.join("；"); }, 50);
  }

  function update(speak) {
    var messages = [];
    blocks.forEach(function (block) {
      var source = document.getElementById(block.getAttribute("data-show-if") + "-block");
      var show = (!source || !source.hidden) &&
        chosen(block.getAttribute("data-show-if")).indexOf(block.getAttribute("data-show-value")) !== -1;
      if (block.hidden === !show) return;
      block.hidden = !show;
      if (speak) messages.push(show ? "新增题目：" + title(block) : "题目已隐藏，无需回答：" + title(block));
    });
    if (speak) announce(messages);
  }

  form.addEventListener("change", function (event) {
    if (event.target && /^q\d+$/.test(event.target.name || "")) update(true);
  });
  update(false);
})();

/* Chat mode: the same interview, one question at a time as a message, the answer controls under
   it and "Why?" as a reply. It drives the very pages that work without JavaScript: it fetches a
   question page, shows its question, hint and controls, and posts the page's own form (CSRF
   token included), so the API session, the checks and the error messages are the same. */
(function () {
  "use strict";
  var root = document.querySelector("[data-chat-root]");
  if (!root) {
    return;
  }
  var log = root.querySelector("[data-chat-log]");
  var composer = root.querySelector("[data-chat-composer]");
  var words = root.dataset;

  function message(who, content) {
    var item = document.createElement("li");
    item.className = "chat__message chat__message--" + who;
    if (typeof content === "string") {
      item.textContent = content;
    } else {
      item.appendChild(content);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function paragraph(text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) {
      p.className = className;
    }
    return p;
  }

  function load(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options || {})).then(
      function (response) {
        return response.text().then(function (html) {
          return {
            url: response.url,
            status: response.status,
            doc: new DOMParser().parseFromString(html, "text/html"),
          };
        });
      }
    );
  }

  function text(scope, selector) {
    var found = scope.querySelector(selector);
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function ask(page) {
    var form = page.doc.querySelector("form[data-chat=form]");
    if (!form) {
      finish(page);
      return;
    }
    var errors = page.doc.querySelectorAll(".error-summary__list li");
    if (errors.length) {
      errors.forEach(function (item) {
        message("bot chat__message--error", item.textContent.replace(/\s+/g, " ").trim());
      });
    } else {
      var bubble = document.createDocumentFragment();
      var listed = names(page.doc);
      if (listed) {
        bubble.appendChild(paragraph(words.listed + ": " + listed, "hint"));
      }
      // An instance's question says whose it is ("Employee 2 of 2"), as its page's caption does.
      var where = text(page.doc, "[data-chat=position]");
      if (where) {
        bubble.appendChild(paragraph(where, "hint"));
      }
      bubble.appendChild(paragraph(text(page.doc, "[data-chat=question]")));
      var hint = text(page.doc, "[data-chat=hint]");
      if (hint) {
        bubble.appendChild(paragraph(hint, "hint"));
      }
      message("bot", bubble);
    }
    compose(document.importNode(form, true), page.url);
  }

  // A list's page: the names listed so far (the list is above its question on the page).
  function names(doc) {
    return Array.prototype.map
      .call(doc.querySelectorAll("[data-chat=listed] [data-chat=item]"), function (item) {
        return item.textContent.replace(/\s+/g, " ").trim();
      })
      .join(", ");
  }

  function compose(form, action) {
    // The question and its hint are in the message above; they stay in the form for screen
    // readers (they label the controls) but are not shown twice.
    form.querySelectorAll("[data-chat=question], [data-chat=hint]").forEach(function (element) {
      element.classList.add("visually-hidden");
    });
    form.querySelectorAll("[data-chat=caption], [data-chat=position]").forEach(function (element) {
      element.remove();
    });
    var why = form.querySelector("[data-chat=why]");
    var submit = form.querySelector("[data-chat=submit]");
    if (form.querySelector("input:not([type=hidden])")) {
      submit.textContent = words.send; // a button alone ("Add") keeps its own words
    }
    var actions = document.createElement("div");
    actions.className = "chat__actions";
    submit.replaceWith(actions);
    actions.appendChild(submit);
    if (why) {
      why.remove();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.textContent = words.why;
      button.addEventListener("click", function () {
        message("user", words.why);
        var reply = document.createElement("div");
        reply.appendChild(why.querySelector(".details__text ul").cloneNode(true));
        message("bot", reply);
        button.disabled = true;
      });
      actions.appendChild(button);
    }
    form.action = action;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
    composer.replaceChildren(form);
    var first = form.querySelector("input:not([type=hidden])") || submit;
    first.focus();
  }

  function said(form) {
    var unknown = form.querySelector("#answer-unknown:checked");
    if (unknown) {
      return text(form, "label[for=answer-unknown]");
    }
    var checked = form.querySelector("input[type=radio]:checked");
    if (checked) {
      return text(form, "label[for='" + checked.id + "']");
    }
    var parts = ["day", "month", "year"].map(function (part) {
      var input = form.querySelector("#answer-" + part);
      return input ? input.value.trim() : "";
    });
    if (parts[0] || parts[1] || parts[2]) {
      return parts.join(".");
    }
    var input = form.querySelector("#answer");
    if (!input) {
      return text(form, "[data-chat=submit]");
    }
    var value = input.value.trim();
    return [text(form, ".input__prefix"), value, text(form, ".input__suffix")].join(" ").trim();
  }

  function send(form) {
    var answer = said(form);
    var body = new URLSearchParams(new FormData(form));
    message("user", answer || "…");
    load(form.action, { method: "POST", body: body }).then(ask);
  }

  function finish(page) {
    composer.replaceChildren();
    if (!page.doc.querySelector("[data-chat=summary]")) {
      // Not an interview page (the session expired, say): show its heading and a way there.
      message("bot", text(page.doc, "h1"));
      links([[text(page.doc, "main .button") || text(page.doc, "h1"), page.url]]);
      return;
    }
    message("bot", words.done);
    var check = [words.checkLabel, words.check];
    if (!page.doc.querySelector("[data-chat=complete]")) {
      links([check]);
      return;
    }
    load(words.result).then(function (result) {
      result.doc.querySelectorAll("[data-chat=result]").forEach(function (goal) {
        var bubble = document.createDocumentFragment();
        bubble.appendChild(paragraph(text(goal, "[data-chat=goal]")));
        bubble.appendChild(paragraph(text(goal, "[data-chat=value]"), "chat__value"));
        message("bot", bubble);
      });
      result.doc.querySelectorAll("[data-chat=instance]").forEach(instance);
      links([check, [words.resultLabel, words.result]]);
    });
  }

  // One instance's goals (each child's amount), under its name, as the result page shows them.
  function instance(section) {
    var bubble = document.createDocumentFragment();
    bubble.appendChild(paragraph(text(section, "[data-chat=name]")));
    section.querySelectorAll("[data-chat=instance-goal]").forEach(function (goal) {
      var line = text(goal, "[data-chat=goal]") + ": " + text(goal, "[data-chat=value]");
      bubble.appendChild(paragraph(line, "chat__value"));
    });
    message("bot", bubble);
  }

  function links(pairs) {
    var list = document.createElement("ul");
    list.className = "page-links";
    pairs.forEach(function (pair) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = pair[1];
      link.textContent = pair[0];
      item.appendChild(link);
      list.appendChild(item);
    });
    composer.replaceChildren(list);
    list.querySelector("a").focus();
  }

  load(words.start).then(ask);
})();

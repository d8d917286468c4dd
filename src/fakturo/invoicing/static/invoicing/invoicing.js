// Documents: confirmation dialogs, and the editor's rows (add, remove, reorder), field
// toggles, inline errors and product suggestions. No totals are computed here: the server's
// preview (htmx) answers every change.
(function () {
  "use strict";

  // --- dialogs, the credit note form, printing ------------------------------------------

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.dialogOpen);
      if (dialog && !dialog.open) {
        var menu = opener.closest("details[open]");
        if (menu) menu.removeAttribute("open");
        dialog.showModal();
      }
      return;
    }
    if (event.target.closest("[data-dialog-close]")) {
      event.target.closest("dialog").close();
      return;
    }
    // A click on the backdrop lands on the dialog itself (its body fills the box).
    if (event.target.tagName === "DIALOG" && event.target.open) {
      event.target.close();
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-credit-mode]")) return;
    var form = event.target.closest("[data-credit-form]");
    form.querySelectorAll("[data-credit-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.creditPanel !== event.target.value;
    });
  });

  var editor = document.getElementById("document-editor");
  if (!editor) return;

  // --- rows --------------------------------------------------------------------------------

  var NOUNS = { lines: "line", allowances: "discount", charges: "charge" };
  var status = editor.querySelector("[data-editor-status]");

  function announce(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function recalculate() {
    editor.dispatchEvent(new CustomEvent("recalculate", { bubbles: true }));
  }

  function rowsOf(prefix) {
    return editor.querySelector('[data-rows="' + prefix + '"]');
  }

  // Form rows are named "lines-3-quantity" by position: after any move, name them afresh.
  function renumber(prefix) {
    var pattern = new RegExp("(^|[\\s_])" + prefix + "-(?:\\d+|__prefix__)-", "g");
    var rows = rowsOf(prefix).querySelectorAll(":scope > [data-row]");
    rows.forEach(function (row, index) {
      var replacement = "$1" + prefix + "-" + index + "-";
      row.querySelectorAll("*").forEach(function (element) {
        ["name", "id", "for", "aria-describedby", "aria-controls"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(pattern, replacement));
        });
        if (element.dataset.label) {
          element.setAttribute(
            "aria-label", element.dataset.label + ", " + NOUNS[prefix] + " " + (index + 1)
          );
        }
      });
      var number = row.querySelector("[data-row-number]");
      if (number) number.textContent = String(index + 1);
      var up = row.querySelector("[data-move='up']");
      var down = row.querySelector("[data-move='down']");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === rows.length - 1;
    });
    editor.querySelector('[name="' + prefix + '-TOTAL_FORMS"]').value = String(rows.length);
    var table = editor.querySelector('[data-rows-table="' + prefix + '"]');
    if (table) table.hidden = rows.length === 0;
  }

  function addRow(prefix) {
    var template = document.getElementById(prefix + "-template");
    var body = rowsOf(prefix);
    body.appendChild(template.content.cloneNode(true));
    renumber(prefix);
    var row = body.lastElementChild;
    var first = row.querySelector("textarea, input:not([type='hidden']), select");
    if (first) first.focus();
    announce("Added " + NOUNS[prefix] + " " + body.children.length + ".");
    recalculate();
  }

  function removeRow(button) {
    var row = button.closest("[data-row]");
    var prefix = row.dataset.row;
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(prefix);
    var focus = next
      ? next.querySelector("[data-remove-row]")
      : editor.querySelector('[data-add-row="' + prefix + '"]');
    focus.focus();
    announce("Removed the " + NOUNS[prefix] + ".");
    recalculate();
  }

  function moveRow(button) {
    var row = button.closest("[data-row]");
    var prefix = row.dataset.row;
    var up = button.dataset.move === "up";
    var other = up ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    // Move the neighbour, not the focused row, so focus stays on the button pressed.
    if (up) row.after(other);
    else row.before(other);
    renumber(prefix);
    if (button.disabled) {
      row.querySelector("[data-move='" + (up ? "down" : "up") + "']").focus();
    }
    row.classList.remove("is-moved");
    void row.offsetWidth;
    row.classList.add("is-moved");
    var position = Array.prototype.indexOf.call(row.parentNode.children, row) + 1;
    announce("Moved to position " + position + ".");
    recalculate();
  }

  editor.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) return addRow(add.dataset.addRow);
    var remove = event.target.closest("[data-remove-row]");
    if (remove) return removeRow(remove);
    var move = event.target.closest("[data-move]");
    if (move) return moveRow(move);
  });

  // Enter in a row's input would submit (save) the whole draft; there it does nothing.
  editor.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.closest("[data-row]")) return;
    if (event.target.matches("input:not([type='checkbox'])")) event.preventDefault();
  });

  // --- fields that depend on others ---------------------------------------------------------

  var currency = editor.querySelector("[name='currency']");
  var terms = editor.querySelector("[name='payment_terms_type']");
  var client = editor.querySelector("[name='client_id']");

  function syncCurrency() {
    var rate = editor.querySelector("[data-exchange-rate]");
    if (!rate) return;
    var own = editor.dataset.organizationCurrency;
    rate.hidden = currency.value === own;
    rate.querySelector("label").textContent =
      "Exchange rate (" + own + " per 1 " + currency.value + ")";
  }

  function syncTerms() {
    editor.querySelectorAll("[data-terms]").forEach(function (field) {
      field.hidden = field.dataset.terms !== terms.value;
    });
  }

  function chooseClient() {
    // A new document takes the client's defaults; an edited one keeps what it has.
    if (editor.dataset.isNew !== "true") return;
    var option = client.selectedOptions[0];
    if (!option || !option.value) return;
    var own = editor.dataset.organizationCurrency;
    currency.value = option.dataset.currency || own;
    var language = editor.querySelector("[name='language']");
    if (option.dataset.language) language.value = option.dataset.language;
    var days = editor.querySelector("[name='payment_terms_days']");
    if (option.dataset.termsDays) days.value = option.dataset.termsDays;
    syncCurrency();
  }

  function summarizeRates(picker) {
    var names = [];
    picker.querySelectorAll("input[type='checkbox']:checked").forEach(function (box) {
      names.push(box.closest("label").textContent.trim());
    });
    var summary = picker.querySelector("[data-rate-summary]");
    summary.textContent = "";
    names.forEach(function (name) {
      var part = document.createElement("span");
      part.textContent = name;
      summary.appendChild(part);
    });
  }

  editor.addEventListener("change", function (event) {
    var target = event.target;
    if (target === currency) syncCurrency();
    else if (target === terms) syncTerms();
    else if (target === client) chooseClient();
    var picker = target.closest("[data-rate-picker]");
    if (picker) summarizeRates(picker);
  });

  // --- lists that open under a field --------------------------------------------------------

  // The lines table scrolls sideways on small screens, which would clip a list opening under
  // one of its fields: such lists are placed fixed, by their field, and follow it.
  function place(panel, anchor, alignRight) {
    var rect = anchor.getBoundingClientRect();
    panel.style.position = "fixed";
    panel.style.right = "auto";
    panel.style.minWidth = Math.max(rect.width, 240) + "px";
    var height = panel.offsetHeight;
    var roomBelow = window.innerHeight - rect.bottom;
    var top = roomBelow < height + 8 && rect.top > height + 8
      ? rect.top - height - 2
      : rect.bottom + 2;
    var left = alignRight ? rect.right - panel.offsetWidth : rect.left;
    left = Math.max(8, Math.min(left, window.innerWidth - panel.offsetWidth - 8));
    panel.style.top = top + "px";
    panel.style.left = left + "px";
  }

  function placeOpenLists() {
    editor.querySelectorAll("[data-rate-picker][open]").forEach(function (picker) {
      place(picker.querySelector(".rate-picker__panel"), picker.querySelector("summary"), true);
    });
    editor.querySelectorAll(".autocomplete__list:not([hidden])").forEach(function (list) {
      place(list, list.closest(".autocomplete").querySelector("textarea"), false);
    });
  }

  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("[data-rate-picker]") && event.target.open) {
      placeOpenLists();
    }
  }, true);
  window.addEventListener("scroll", placeOpenLists, true);
  window.addEventListener("resize", placeOpenLists);

  // --- errors from the preview onto the inputs ----------------------------------------------

  function applyErrors() {
    var holder = document.querySelector("#editor-problems [data-errors]");
    var errors = holder ? JSON.parse(holder.dataset.errors || "{}") : {};
    editor.querySelectorAll(".field-error[id$='_error']").forEach(function (slot) {
      var id = slot.id.slice(0, -"_error".length);
      var message = errors[id] || "";
      slot.textContent = message;
      var input = document.getElementById(id);
      var control = input && input.matches("details") ? input.querySelector("summary") : input;
      if (control) {
        if (message) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      }
      var cell = slot.closest(".field, td");
      if (cell) cell.classList.toggle("is-invalid", Boolean(message));
    });
    var totals = document.getElementById("document-totals");
    totals.classList.toggle("is-stale", Boolean(holder && holder.querySelector(".alert")));
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (editor.contains(event.target)) applyErrors();
  });

  // --- product suggestions -------------------------------------------------------------------

  var searchUrl = editor.dataset.productSearchUrl;
  var searchTimer = null;
  var searchRequest = 0;

  function listOf(field) {
    return field.closest(".autocomplete").querySelector(".autocomplete__list");
  }

  function closeList(field) {
    var list = listOf(field);
    list.hidden = true;
    list.innerHTML = "";
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[data-product-id]"));
  }

  function highlight(field, index) {
    var list = listOf(field);
    var all = options(list);
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", String(i === index));
    });
    if (all[index]) {
      field.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    }
  }

  function search(field) {
    var query = field.value.trim();
    if (query.length < 2) return closeList(field);
    var request = ++searchRequest;
    fetch(searchUrl + "?q=" + encodeURIComponent(query), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (request !== searchRequest || document.activeElement !== field) return;
        var list = listOf(field);
        list.innerHTML = html;
        if (!list.querySelector("li, [data-product-id]")) return closeList(field);
        // The answer brings its own listbox; the field controls it.
        var listbox = list.querySelector("[role='listbox']") || list;
        listbox.id = list.id + "-listbox";
        field.setAttribute("aria-controls", listbox.id);
        options(list).forEach(function (option, i) {
          option.id = list.id + "-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
        });
        list.hidden = false;
        field.setAttribute("aria-expanded", "true");
        placeOpenLists();
      });
  }

  function choose(field, option) {
    var row = field.closest("[data-row]");
    var data = option.dataset;
    function set(name, value) {
      var input = row.querySelector("[name$='-" + name + "']");
      if (input && value !== undefined) input.value = value;
      return input;
    }
    set("product_id", data.productId);
    var name = data.name || option.textContent.trim();
    field.value = data.description ? name + "\n" + data.description : name;
    var unit = row.querySelector("select[name$='-unit']");
    if (unit && data.unit) {
      if (!unit.querySelector("option[value='" + data.unit + "']")) {
        unit.add(new Option(data.unit, data.unit));
      }
      unit.value = data.unit;
    }
    // "95.0000" as stored: show it without the zeros past the cents.
    if (data.unitPrice) set("unit_price", data.unitPrice.replace(/(\.\d\d\d*?)0+$/, "$1"));
    if (data.taxRateId) {
      var picker = row.querySelector("[data-rate-picker]");
      picker.querySelectorAll("input[type='checkbox']").forEach(function (box) {
        box.checked = box.value === data.taxRateId;
      });
      summarizeRates(picker);
    }
    closeList(field);
    field.focus();
    recalculate();
  }

  if (searchUrl) {
    editor.querySelectorAll("[data-product-search]").forEach(prepareSearch);
    editor.addEventListener("focusin", function (event) {
      if (event.target.matches("[data-product-search]")) prepareSearch(event.target);
    });

    editor.addEventListener("input", function (event) {
      var field = event.target;
      if (!field.matches("[data-product-search]")) return;
      // Typed text is the line's own description: it no longer names a product.
      var product = field.closest("[data-row]").querySelector("[name$='-product_id']");
      if (product) product.value = "";
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(function () { search(field); }, 250);
    });

    editor.addEventListener("keydown", function (event) {
      var field = event.target;
      if (!field.matches("[data-product-search]")) return;
      var list = listOf(field);
      if (list.hidden) return;
      var all = options(list);
      var current = all.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(field, (current + step + all.length) % all.length);
      } else if (event.key === "Enter" && current >= 0) {
        event.preventDefault();
        choose(field, all[current]);
      } else if (event.key === "Escape") {
        event.stopPropagation();
        closeList(field);
      }
    });

    editor.addEventListener("mousedown", function (event) {
      var option = event.target.closest(".autocomplete__list [data-product-id]");
      if (!option) return;
      event.preventDefault(); // keep focus in the description
      choose(option.closest(".autocomplete").querySelector("[data-product-search]"), option);
    });

    editor.addEventListener("focusout", function (event) {
      if (event.target.matches("[data-product-search]")) closeList(event.target);
    });
  }

  function prepareSearch(field) {
    if (field.hasAttribute("role")) return;
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", listOf(field).id);
  }

  // --- start ---------------------------------------------------------------------------------

  syncCurrency();
  syncTerms();
  ["lines", "allowances", "charges"].forEach(function (prefix) {
    if (rowsOf(prefix)) renumber(prefix);
  });
})();

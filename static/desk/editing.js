/* The article form's safety nets and helpers: autosave into a draft, a warning before
   leaving with unsaved changes, the live preview in a second tab, and the photo chooser.
   Loaded as a static file (the admin's Content-Security-Policy allows no inline script). */
(function () {
  "use strict";

  var AUTOSAVE_AFTER_MS = 2000; // after the last keystroke
  var AUTOSAVE_EVERY_MS = 30000; // while changes keep coming
  var PREVIEW_AFTER_MS = 800;
  var PREVIEW_WINDOW = "desk-live-preview";

  // The prose editors of the page, by their textarea, as they announce themselves.
  var proseEditors = new Map();
  document.addEventListener("prose-editor:ready", function (event) {
    proseEditors.set(event.detail.textarea, event.detail.editor);
  });

  function jq() {
    return window.django && window.django.jQuery;
  }

  // Select2 boxes announce changes through jQuery only; listen there as well.
  function onChange(element, handler) {
    element.addEventListener("change", handler);
    var $ = jq();
    if ($) {
      $(element).on("change", function (event) {
        if (!event.originalEvent) handler(event);
      });
    }
  }

  /* The article form --------------------------------------------------------------- */

  function articleForm(panel) {
    var form = panel.closest("form");
    if (!form) return;
    var status = document.getElementById("desk-autosave-status");
    var autosaveUrl = panel.dataset.autosaveUrl;
    var previewUrl = panel.dataset.previewUrl;
    // A form shown again with errors, a conflict or a restored draft holds unsaved text.
    var dirty = panel.dataset.unsaved === "true";
    var unsavedDraft = false;
    var autosaveTimer = null;
    var lastAutosave = 0;
    var previewTimer = null;
    var previewWindow = null;

    function say(text) {
      if (status) status.textContent = text;
    }

    function autosave() {
      autosaveTimer = null;
      if (!autosaveUrl || !unsavedDraft) return;
      unsavedDraft = false;
      lastAutosave = Date.now();
      fetch(autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (answer) {
          say(answer.message);
        })
        .catch(function () {
          unsavedDraft = true;
          say("Autosave failed: your changes are only in this page. Save the form to keep them.");
        });
    }

    function scheduleAutosave() {
      if (localDraft) localDraft.schedule();
      if (!autosaveUrl) return;
      unsavedDraft = true;
      if (autosaveTimer) clearTimeout(autosaveTimer);
      var overdue = lastAutosave && Date.now() - lastAutosave > AUTOSAVE_EVERY_MS;
      autosaveTimer = setTimeout(autosave, overdue ? 0 : AUTOSAVE_AFTER_MS);
    }

    function showPreview(asked) {
      previewTimer = null;
      if (!previewUrl) return;
      // Refreshed only while the tab is open; a click opens it even where window.open
      // gave no handle (the form's target then opens the tab itself).
      if (!asked && (!previewWindow || previewWindow.closed)) return;
      // The form itself is posted into the preview tab: every field, as it stands now.
      var action = form.getAttribute("action");
      var target = form.getAttribute("target");
      form.setAttribute("action", previewUrl);
      form.setAttribute("target", PREVIEW_WINDOW);
      HTMLFormElement.prototype.submit.call(form);
      if (action === null) form.removeAttribute("action");
      else form.setAttribute("action", action);
      if (target === null) form.removeAttribute("target");
      else form.setAttribute("target", target);
    }

    function changed(event) {
      if (event && event.target && event.target.closest && event.target.closest(".desk-conflict, .photo-dialog")) {
        if (!event.target.closest("[data-use-theirs]")) return;
      }
      dirty = true;
      panel.dataset.unsaved = "true";
      scheduleAutosave();
      if (previewWindow && !previewWindow.closed) {
        if (previewTimer) clearTimeout(previewTimer);
        previewTimer = setTimeout(function () {
          showPreview(false);
        }, PREVIEW_AFTER_MS);
      }
    }

    var localDraft = panel.dataset.localDraft ? newArticleDraft(form, panel, say) : null;

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // Select2 boxes tell of a person's choice only through jQuery (the admin also fires
    // jQuery "change" events of its own while the page loads: those are not edits).
    var $ = jq();
    if ($) $(form).on("select2:select select2:unselect select2:clear", changed);
    setInterval(function () {
      if (unsavedDraft && Date.now() - lastAutosave > AUTOSAVE_EVERY_MS) autosave();
    }, AUTOSAVE_EVERY_MS);

    form.addEventListener("submit", function () {
      if (localDraft) localDraft.forget();
      dirty = false; // saving (or discarding the draft) is leaving on purpose
      delete panel.dataset.unsaved;
      unsavedDraft = false;
      if (autosaveTimer) clearTimeout(autosaveTimer);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });

    // "Use their headline" (and the other text fields) after an edit conflict.
    form.addEventListener("click", function (event) {
      var use = event.target.closest && event.target.closest("[data-use-theirs]");
      if (!use) return;
      var field = form.elements.namedItem(use.dataset.useTheirs);
      if (!field) return;
      var editor = proseEditors.get(field);
      if (editor) editor.commands.setContent(use.dataset.value);
      else field.value = use.dataset.value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      use.textContent = "Taken into the form";
      use.disabled = true;
    });

    var button = panel.querySelector("[data-live-preview]");
    if (button && previewUrl) {
      button.addEventListener("click", function () {
        previewWindow = window.open("", PREVIEW_WINDOW);
        showPreview(true);
      });
    }
  }

  /* A new article has no revisions yet: until its first save, the browser keeps it. -- */

  var LOCAL_FIELDS = ["headline", "slug", "standfirst", "body", "new_tags"];

  function newArticleDraft(form, panel, say) {
    var key = panel.dataset.localDraft;
    var timer = null;
    var offer = document.getElementById("desk-local-draft");

    function read() {
      try {
        return JSON.parse(localStorage.getItem(key) || "null");
      } catch (error) {
        return null;
      }
    }

    function keep() {
      timer = null;
      var fields = {};
      LOCAL_FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) fields[name] = field.value;
      });
      var section = form.elements.namedItem("section");
      if (section && section.value) {
        var option = section.options[section.selectedIndex];
        fields.section = [section.value, option ? option.textContent : ""];
      }
      var at = new Date();
      localStorage.setItem(key, JSON.stringify({ at: at.toISOString(), fields: fields }));
      say("Kept in this browser at " + at.toLocaleTimeString() + ": saved to the newsroom once you save the article.");
    }

    function restore(draft) {
      LOCAL_FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (!field || !(name in draft.fields)) return;
        var editor = proseEditors.get(field);
        if (editor) editor.commands.setContent(draft.fields[name]);
        else field.value = draft.fields[name];
      });
      var section = form.elements.namedItem("section");
      if (section && draft.fields.section) {
        var value = draft.fields.section[0];
        if (!Array.prototype.some.call(section.options, function (each) { return each.value === value; })) {
          section.appendChild(new Option(draft.fields.section[1], value, true, true));
        }
        section.value = value;
        var $ = jq();
        if ($) $(section).trigger("change");
      }
      form.dispatchEvent(new Event("input", { bubbles: true }));
    }

    var stored = read();
    if (offer && stored && stored.fields && Object.keys(stored.fields).some(function (name) {
      return name !== "section" && stored.fields[name];
    })) {
      offer.querySelector("[data-local-draft-time]").textContent =
        " (last kept " + new Date(stored.at).toLocaleString() + ")";
      offer.hidden = false;
      offer.querySelector("[data-local-draft-restore]").addEventListener("click", function () {
        offer.hidden = true;
        restore(stored);
        say("Your new article is back in the form. It is not saved yet: save to keep it.");
      });
      offer.querySelector("[data-local-draft-discard]").addEventListener("click", function () {
        offer.hidden = true;
        localStorage.removeItem(key);
        say("The kept draft was discarded.");
      });
    }

    return {
      schedule: function () {
        if (timer) clearTimeout(timer);
        timer = setTimeout(keep, 500);
      },
      forget: function () {
        if (timer) clearTimeout(timer);
        localStorage.removeItem(key);
      },
    };
  }

  /* The draft preview tab: keep the reader's place while the page follows edits. ----- */

  function draftPreview() {
    var key = "desk-live-preview-scroll";
    var saved = Number(sessionStorage.getItem(key) || 0);
    if (saved) window.scrollTo(0, saved);
    window.addEventListener("scroll", function () {
      sessionStorage.setItem(key, String(Math.round(window.scrollY)));
    }, { passive: true });
  }

  /* The photo chooser ---------------------------------------------------------------- */

  var dialog = null;
  var chooser = null; // the .photo-chooser the dialog is open for
  var searchTimer = null;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function buildDialog() {
    dialog = element("dialog", {
      id: "photo-chooser-dialog",
      class: "photo-dialog",
      "aria-labelledby": "photo-dialog-heading",
    });
    var header = element("div", { class: "photo-dialog__header" });
    header.appendChild(element("h2", { id: "photo-dialog-heading" }, "Choose a photo"));
    var close = element("button", { type: "button", class: "button photo-dialog__close" }, "Close");
    close.addEventListener("click", function () {
      dialog.close();
    });
    header.appendChild(close);
    dialog.appendChild(header);
    dialog.appendChild(
      element("label", { for: "photo-dialog-search" }, "Search captions, alt text and credits")
    );
    var search = element("input", {
      type: "search",
      id: "photo-dialog-search",
      class: "photo-dialog__search",
      autocomplete: "off",
    });
    search.addEventListener("input", function () {
      if (searchTimer) clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        load(search.value, 1, false);
      }, 250);
    });
    dialog.appendChild(search);
    dialog.appendChild(
      element("p", { class: "photo-dialog__count", id: "photo-dialog-count", role: "status" })
    );
    dialog.appendChild(
      element("ul", { class: "photo-dialog__results", id: "photo-dialog-results" })
    );
    var more = element("button", { type: "button", class: "button photo-dialog__more", hidden: "" }, "Show more photos");
    more.addEventListener("click", function () {
      load(search.value, Number(more.dataset.page || 1) + 1, true);
    });
    dialog.appendChild(more);
    dialog.addEventListener("close", function () {
      var opener = chooser && chooser.querySelector(".photo-chooser__open");
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  function resultItem(item) {
    var li = element("li");
    var choice = element("button", {
      type: "button",
      class: "photo-choice",
      "data-photo-id": String(item.id),
    });
    choice.appendChild(element("img", { src: item.thumbnail, alt: "", width: "120" }));
    var words = element("span", { class: "photo-choice__text" });
    words.appendChild(element("span", { class: "photo-choice__caption" }, item.caption || item.label));
    words.appendChild(element("span", { class: "photo-choice__credit" }, "Credit: " + item.credit));
    words.appendChild(
      element("span", { class: "photo-choice__meta" },
        item.size + " · uploaded " + item.uploaded + " · photo #" + item.id)
    );
    choice.appendChild(words);
    choice.addEventListener("click", function () {
      choose(item);
    });
    li.appendChild(choice);
    return li;
  }

  function load(query, page, append) {
    var url = new URL(chooser.dataset.chooserUrl, window.location.href);
    url.searchParams.set("q", query || "");
    url.searchParams.set("page", String(page));
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        var list = document.getElementById("photo-dialog-results");
        if (!append) list.replaceChildren();
        answer.results.forEach(function (item) {
          list.appendChild(resultItem(item));
        });
        var count = list.children.length;
        document.getElementById("photo-dialog-count").textContent = count
          ? count + (answer.more ? "+" : "") + " photo" + (count === 1 ? "" : "s") + " found."
          : "No photo matches.";
        var more = dialog.querySelector(".photo-dialog__more");
        more.hidden = !answer.more;
        more.dataset.page = String(answer.page);
      });
  }

  function selectOf(box) {
    return document.getElementById(box.dataset.photoChooser);
  }

  function showCard(box, html) {
    box.querySelector(".photo-chooser__chosen").innerHTML = html; // escaped by the server
  }

  function choose(item) {
    var select = selectOf(chooser);
    if (select) {
      var option = Array.prototype.find.call(select.options, function (each) {
        return each.value === String(item.id);
      });
      if (!option) {
        option = new Option(item.label, String(item.id), true, true);
        select.appendChild(option);
      }
      select.value = String(item.id);
      var $ = jq();
      if ($) $(select).trigger("change");
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    showCard(chooser, item.card);
    dialog.close();
  }

  function openChooser(box) {
    if (!dialog) buildDialog();
    chooser = box;
    dialog.showModal();
    var search = document.getElementById("photo-dialog-search");
    search.value = "";
    load("", 1, false);
    search.focus();
  }

  function watchChooser(box) {
    var select = selectOf(box);
    if (!select || box.dataset.watched) return;
    box.dataset.watched = "1";
    onChange(select, function () {
      var current = box.querySelector("[data-photo-id]");
      if (!select.value) return showCard(box, '<p class="photo-card photo-card--empty">No photo chosen.</p>');
      if (current && current.dataset.photoId === select.value) return;
      var url = new URL(box.dataset.chooserUrl, window.location.href);
      url.searchParams.set("id", select.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          if (answer.results.length) showCard(box, answer.results[0].card);
        });
    });
  }

  function photoChoosers() {
    document.querySelectorAll("[data-photo-chooser]").forEach(function (box) {
      if (box.dataset.photoChooser.indexOf("__prefix__") === -1) watchChooser(box);
    });
    document.addEventListener("click", function (event) {
      var opener = event.target.closest && event.target.closest(".photo-chooser__open");
      if (opener) openChooser(opener.closest("[data-photo-chooser]"));
    });
    var $ = jq();
    if ($) {
      $(document).on("formset:added", function () {
        document.querySelectorAll("[data-photo-chooser]").forEach(function (box) {
          if (box.dataset.photoChooser.indexOf("__prefix__") === -1) watchChooser(box);
        });
      });
    }
    if (document.querySelector("[data-photo-chooser]") && !dialog) buildDialog();
  }

  /* Accessible names the admin's widgets lack: select2 boxes, tabular inline fields,
     the prose editor and empty table headers. Re-applied whenever the page changes
     (select2 and the prose editor build their markup after load; inline rows are added). */

  function labelText(control) {
    if (control.id) {
      var label = document.querySelector('label[for="' + CSS.escape(control.id) + '"]');
      var text = label && label.textContent.trim().replace(/:$/, "");
      if (text) return text;
    }
    var cell = control.closest("td");
    var row = cell && cell.closest("tr");
    var table = row && row.closest("table");
    if (!table) return "";
    var header = "";
    var field = Array.prototype.find.call(cell.classList, function (name) {
      return name.indexOf("field-") === 0;
    });
    if (field) {
      var th = table.querySelector("thead th.column-" + CSS.escape(field.slice(6)));
      header = th ? th.textContent.trim() : "";
    } else if (cell.classList.contains("delete")) {
      header = "Delete";
    }
    if (!header) return "";
    var rows = Array.prototype.filter.call(table.querySelectorAll("tbody tr.form-row"), function (each) {
      return !each.classList.contains("empty-form");
    });
    var number = rows.indexOf(row) + 1;
    return number > 0 ? header + ", row " + number : header;
  }

  function nameSelect2(select) {
    var container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    var name = labelText(select);
    if (!name || !select.id) return;
    var nameId = select.id + "-accessible-name";
    var holder = document.getElementById(nameId);
    if (!holder) {
      holder = element("span", { id: nameId, hidden: "" }, name);
      container.appendChild(holder); // not between the select and its box: "select + .select2"
    }
    var selection = container.querySelector(".select2-selection");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (!selection) return;
    if (selection.classList.contains("select2-selection--multiple")) {
      selection.setAttribute("aria-labelledby", nameId);
      if (rendered && rendered.tagName === "UL") rendered.setAttribute("role", "list");
      var search = container.querySelector(".select2-search__field");
      if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", name);
    } else if (rendered) {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
      selection.setAttribute("aria-labelledby", nameId + " " + rendered.id);
    }
  }

  function nameFields() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameSelect2);
    document.querySelectorAll(".inline-group .tabular td input, .inline-group .tabular td select, .inline-group .tabular td textarea")
      .forEach(function (control) {
        if (control.type === "hidden" || control.hasAttribute("aria-label")) return;
        if (control.id && document.querySelector('label[for="' + CSS.escape(control.id) + '"]')) return;
        var name = labelText(control);
        if (name) control.setAttribute("aria-label", name);
      });
    document.querySelectorAll(".inline-group thead th").forEach(function (th) {
      if (th.textContent.trim()) return;
      th.appendChild(
        element("span", { class: "desk-visually-hidden" },
          th.classList.contains("original") ? "Saved item" : "Actions")
      );
    });
    document.querySelectorAll(".prose-editor [contenteditable]").forEach(function (editable) {
      if (editable.hasAttribute("aria-label") || editable.hasAttribute("aria-labelledby")) return;
      var textarea = editable.closest(".prose-editor").querySelector("textarea");
      var name = textarea && labelText(textarea);
      if (!name) return;
      editable.setAttribute("role", "textbox");
      editable.setAttribute("aria-multiline", "true");
      editable.setAttribute("aria-label", name);
    });
  }

  function accessibleNames() {
    var pending = null;
    nameFields();
    new MutationObserver(function () {
      if (pending) return;
      pending = setTimeout(function () {
        pending = null;
        nameFields();
      }, 30);
    }).observe(document.body, { childList: true, subtree: true });
  }

  function start() {
    var panel = document.getElementById("desk-editing");
    if (panel) articleForm(panel);
    if (document.querySelector("[data-draft-preview]")) draftPreview();
    photoChoosers();
    if (document.body.classList.contains("change-form") || document.querySelector(".inline-group")) accessibleNames();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

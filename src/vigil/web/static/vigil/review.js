/* Vigil review: keyboard-driven categorisation on the grid and on an item's page.
   j/k or arrows move, x selects, 0-4 set a VICS category, a/b/c a CAID grade, u clears,
   v shows the item in focus unblurred, Enter opens it, ? shows the help. */
(function () {
  "use strict";

  const CATEGORY_KEYS = {
    "0": "vics:0", "1": "vics:1", "2": "vics:2", "3": "vics:3", "4": "vics:4",
    "a": "caid:A", "b": "caid:B", "c": "caid:C", "u": "",
  };

  function post(url, fields) {
    const form = new FormData();
    Object.keys(fields).forEach(function (key) { form.append(key, fields[key]); });
    return fetch(url, {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": window.vigilCsrfToken() },
    }).then(function (response) {
      if (!response.ok) { return response.text().then(function (t) { throw new Error(t); }); }
      return response.json();
    });
  }

  function say(text) {
    const line = document.querySelector(".status-line");
    if (line) { line.textContent = text; }
  }

  function isTyping(event) {
    const target = event.target;
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
      && target.type !== "checkbox");
  }

  function helpDialog() {
    const help = document.getElementById("help");
    document.querySelectorAll("[data-open-help]").forEach(function (button) {
      button.addEventListener("click", function () { help.showModal(); });
    });
    document.querySelectorAll("[data-close-help]").forEach(function (button) {
      button.addEventListener("click", function () { help.close(); });
    });
    return help;
  }

  function setCategoryBadges(ids, result) {
    ids.forEach(function (id) {
      const tile = document.querySelector('.tile[data-item-id="' + id + '"] .category');
      const page = document.querySelector('.item-layout[data-item-id="' + id + '"] .category');
      [tile, page].forEach(function (badge) {
        if (badge) {
          badge.textContent = result.label;
          badge.dataset.category = result.category || "uncategorised";
        }
      });
    });
  }

  function grid(queue, help) {
    const rtl = document.documentElement.dir === "rtl";
    let focus = -1;
    const selected = new Set();

    function tiles() { return Array.from(document.querySelectorAll("#grid .tile")); }

    function move(to) {
      const all = tiles();
      if (!all.length) { return; }
      focus = Math.max(0, Math.min(all.length - 1, to));
      all.forEach(function (tile) { tile.classList.remove("focused"); });
      const tile = all[focus];
      tile.classList.add("focused");
      tile.querySelector(".tile-link").focus({ preventScroll: true });
      tile.scrollIntoView({ block: "nearest" });
    }

    function focusedTile() { return tiles()[focus] || null; }

    function updateCount() {
      const count = document.querySelector(".selection-count");
      count.textContent = selected.size
        ? count.dataset.selectedTemplate.replace("%(count)s", String(selected.size)) : "";
    }

    function toggle(tile) {
      const id = tile.dataset.itemId;
      const box = tile.querySelector("[data-select]");
      if (selected.has(id)) { selected.delete(id); } else { selected.add(id); }
      box.checked = selected.has(id);
      tile.classList.toggle("selected", selected.has(id));
      updateCount();
    }

    function clearSelection() {
      selected.clear();
      tiles().forEach(function (tile) {
        tile.classList.remove("selected");
        tile.querySelector("[data-select]").checked = false;
      });
      updateCount();
    }

    function targets() {
      if (selected.size) { return Array.from(selected); }
      const tile = focusedTile();
      return tile ? [tile.dataset.itemId] : [];
    }

    function categorise(category) {
      const ids = targets();
      if (!ids.length || !("canCategorise" in queue.dataset)) { return; }
      post(queue.dataset.categoriseUrl, { items: ids.join(","), category: category })
        .then(function (result) {
          setCategoryBadges(result.items.map(String), result);
          say(result.label + " · " + result.updated);
          if (selected.size) { clearSelection(); } else { move(focus + 1); }
        })
        .catch(function (error) { say(error.message); });
    }

    document.getElementById("grid").addEventListener("change", function (event) {
      if (event.target.matches("[data-select]")) {
        const tile = event.target.closest(".tile");
        event.target.checked = !event.target.checked; // toggle() sets it
        toggle(tile);
      }
    });

    const tagForm = document.querySelector("[data-tag-form]");
    if (tagForm) {
      tagForm.addEventListener("submit", function (event) {
        event.preventDefault();
        const ids = targets();
        const name = tagForm.elements.tag.value.trim();
        if (!ids.length || !name) { return; }
        const remove = event.submitter && event.submitter.value === "1" ? "1" : "0";
        post(queue.dataset.tagUrl, { items: ids.join(","), tag: name, remove: remove })
          .then(function (result) { say(name + " · " + result.updated); })
          .catch(function (error) { say(error.message); });
      });
    }

    document.querySelectorAll("[data-toggle-class]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(document.body.classList.contains(button.dataset.toggleClass)));
      button.addEventListener("click", function () {
        const on = document.body.classList.toggle(button.dataset.toggleClass);
        button.setAttribute("aria-pressed", String(on));
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) { return; }
      if (help.open) { if (event.key === "Escape") { help.close(); } return; }
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const next = rtl ? "ArrowLeft" : "ArrowRight";
      const previous = rtl ? "ArrowRight" : "ArrowLeft";
      if (key === "j" || key === next || key === "ArrowDown") { move(focus + 1); }
      else if (key === "k" || key === previous || key === "ArrowUp") { move(focus - 1); }
      else if (key === "x") { const tile = focusedTile(); if (tile) { toggle(tile); } }
      else if (key === "v") { const tile = focusedTile(); if (tile) { tile.classList.toggle("revealed"); } }
      else if (key === "Enter") {
        const tile = focusedTile();
        if (tile) { window.location.href = tile.querySelector(".tile-link").href; }
      }
      else if (key === "Escape") { clearSelection(); }
      else if (key === "?") { help.showModal(); }
      else if (key in CATEGORY_KEYS) { categorise(CATEGORY_KEYS[key]); }
      else { return; }
      event.preventDefault();
    });
    // Keys work from here on: browser tests wait for this instead of racing the script.
    document.documentElement.dataset.keyboardReady = "grid";
  }

  function itemPage(layout, help) {
    function categorise(category) {
      if (!("canCategorise" in layout.dataset)) { return; }
      const id = layout.dataset.itemId;
      post(layout.dataset.categoriseUrl, { items: id, category: category })
        .then(function (result) { setCategoryBadges([id], result); })
        .catch(function () {});
    }
    layout.querySelectorAll("[data-category-key]").forEach(function (button) {
      button.addEventListener("click", function () {
        categorise(CATEGORY_KEYS[button.dataset.categoryKey]);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) { return; }
      if (help.open) { if (event.key === "Escape") { help.close(); } return; }
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const next = document.querySelector("[data-key-next]");
      const back = document.querySelector("[data-key-back]");
      if (key === "j" && next) { window.location.href = next.href; }
      else if (key === "Escape" && back) { window.location.href = back.href; }
      else if (key === "v") { layout.classList.toggle("revealed"); }
      else if (key === "?") { help.showModal(); }
      else if (key in CATEGORY_KEYS) { categorise(CATEGORY_KEYS[key]); }
      else { return; }
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const help = helpDialog();
    const queue = document.querySelector(".queue");
    const layout = document.querySelector(".item-layout");
    if (queue) { grid(queue, help); }
    if (layout) { itemPage(layout, help); }
  });
})();

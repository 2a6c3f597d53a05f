/* Small enhancements; every page works without them.
   - Instant filters on the procedure list (name/code without diacritics,
     field, level, online level), mirrored in the URL so a filtered list can
     be shared: /tthc/?tu-khoa=cap+giay+phep&linh-vuc=duoc-pham (not "q",
     which Material takes as a query for its own search box)
   - A print button on procedure and handbook pages. */
(function () {
  "use strict";

  // Same folding as cchc/fold.py: no tones, no vowel marks, đ → d.
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setUpFilter(form) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".cchc-procs:not(.cchc-procs--retired) > li"));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".cchc-group"));
    var count = form.querySelector("[data-cchc-count]");
    var empty = document.querySelector("[data-cchc-empty]");
    var items = rows.map(function (row) {
      var code = row.querySelector("code");
      return {
        row: row,
        group: row.closest(".cchc-group"),
        text: fold(row.querySelector("a").textContent + " " + (code ? code.textContent : "")),
        level: row.getAttribute("data-level"),
        online: row.getAttribute("data-online")
      };
    });
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && params.has(el.name)) el.value = params.get(el.name);
    });

    function apply() {
      var terms = fold(form.elements["tu-khoa"].value).split(" ").filter(Boolean);
      var field = form.elements["linh-vuc"] ? form.elements["linh-vuc"].value : "";
      var level = form.elements.cap.value;
      var online = form.elements.dvc.value;
      var shown = 0;
      var visibleGroups = new Set();
      items.forEach(function (item) {
        var ok = (!field || item.group.getAttribute("data-field") === field) &&
          (!level || item.level === level) && (!online || item.online === online) &&
          terms.every(function (term) { return item.text.indexOf(term) !== -1; });
        item.row.hidden = !ok;
        if (ok) { shown += 1; visibleGroups.add(item.group); }
      });
      groups.forEach(function (group) { group.hidden = !visibleGroups.has(group); });
      var filtered = terms.length || field || level || online;
      count.textContent = filtered ? "Hiển thị " + shown + " trên " + items.length + " thủ tục." : "";
      empty.hidden = shown !== 0;
      var query = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.value) query.set(el.name, el.value);
      });
      var search = query.toString();
      history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.hidden = false;
    apply();
  }

  document.querySelectorAll("[data-cchc-filter]").forEach(setUpFilter);
  document.querySelectorAll(".cchc-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

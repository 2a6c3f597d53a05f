/* Small enhancements; every page works without them.
   - Instant filters on the procedure list (name/code without diacritics,
     field, level, online level) and on the changelog (change type, field),
     mirrored in the URL so a filtered list can be shared:
     /tthc/?tu-khoa=cap+giay+phep&linh-vuc=duoc-pham (not "q", which
     Material takes as a query for its own search box)
   - A print button on procedure and handbook pages.
   - The share bar (posts, categories, procedures). */
(function () {
  "use strict";

  // Same folding as fold() in cchc/core/text.py: no tones, no vowel marks, đ → d.
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) out[el.name] = el.value; });
    return out;
  }

  // rows: list items; groupOf(row): the section hidden when all its rows are;
  // test(row, values): whether a row matches the form's current values.
  function bindFilter(form, rows, groupOf, test) {
    var count = form.querySelector("[data-cchc-count]");
    var empty = document.querySelector("[data-cchc-empty]");
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && params.has(el.name)) el.value = params.get(el.name);
    });

    function apply() {
      var current = values(form);
      var filtered = Object.keys(current).some(function (name) { return current[name]; });
      var shown = 0;
      var visibleGroups = new Set();
      rows.forEach(function (row) {
        var ok = test(row, current);
        row.hidden = !ok;
        if (ok) { shown += 1; visibleGroups.add(groupOf(row)); }
      });
      new Set(rows.map(groupOf)).forEach(function (group) { group.hidden = !visibleGroups.has(group); });
      count.textContent = filtered ? "Hiển thị " + shown + " trên " + rows.length + " mục." : "";
      if (empty) empty.hidden = shown !== 0;
      var query = new URLSearchParams();
      Object.keys(current).forEach(function (name) { if (current[name]) query.set(name, current[name]); });
      var search = query.toString();
      history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  document.querySelectorAll("[data-cchc-filter]").forEach(function (form) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".cchc-procs:not(.cchc-procs--retired) > li"));
    var text = new Map(rows.map(function (row) {
      var code = row.querySelector("code");
      return [row, fold(row.querySelector("a").textContent + " " + (code ? code.textContent : ""))];
    }));
    function group(row) { return row.closest(".cchc-group"); }
    bindFilter(form, rows, group, function (row, v) {
      var terms = fold(v["tu-khoa"] || "").split(" ").filter(Boolean);
      return (!v["linh-vuc"] || group(row).getAttribute("data-field") === v["linh-vuc"]) &&
        (!v.cap || row.getAttribute("data-level") === v.cap) &&
        (!v.dvc || row.getAttribute("data-online") === v.dvc) &&
        terms.every(function (term) { return text.get(row).indexOf(term) !== -1; });
    });
  });

  document.querySelectorAll("[data-cchc-changes]").forEach(function (form) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".cchc-decision .cchc-change"));
    bindFilter(form, rows, function (row) { return row.closest(".cchc-decision"); }, function (row, v) {
      return (!v.loai || row.getAttribute("data-change") === v.loai) &&
        (!v["linh-vuc"] || row.getAttribute("data-field") === v["linh-vuc"]);
    });
  });

  // Share bar: the phone's own share sheet, copy link, and Zalo's SDK only after a tap.
  document.querySelectorAll("[data-cchc-share]").forEach(function (bar) {
    var url = bar.getAttribute("data-url");
    var title = bar.getAttribute("data-title");
    var status = bar.querySelector(".cchc-share__status");
    var native = bar.querySelector(".cchc-share__native");
    if (navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {});
      });
    }
    var copy = bar.querySelector(".cchc-share__copy");
    if (navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          status.textContent = "Đã sao chép liên kết.";
        }, function () {
          status.textContent = "Không sao chép được; hãy sao chép địa chỉ trên thanh trình duyệt.";
        });
      });
    }
    var zalo = bar.querySelector(".cchc-share__zalo");
    if (zalo) {
      zalo.addEventListener("click", function () {
        var holder = document.createElement("div");
        holder.className = "zalo-share-button";
        holder.setAttribute("data-href", url);
        holder.setAttribute("data-oaid", zalo.getAttribute("data-oaid"));
        holder.setAttribute("data-layout", "1");
        holder.setAttribute("data-color", "blue");
        holder.setAttribute("data-customize", "false");
        zalo.replaceWith(holder);
        var sdk = document.createElement("script");
        sdk.src = "https://sp.zalo.me/plugins/sdk.js";
        sdk.async = true;
        document.body.appendChild(sdk);
      });
    }
  });

  document.querySelectorAll(".cchc-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

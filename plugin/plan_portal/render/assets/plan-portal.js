/* plan portal: sorting, filtering and highlighting. Pages are complete without it. */
(function () {
  "use strict";

  function sortValue(cell, numeric) {
    var raw = cell.getAttribute("data-pp-value");
    if (raw === null) raw = cell.textContent.trim();
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-pp-sort]");
    headers.forEach(function (th) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      var activate = function () {
        var column = Array.prototype.indexOf.call(th.parentNode.children, th);
        var numeric = th.getAttribute("data-pp-sort") === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        /* Each body sorts on its own (the decisions register has one per feature), its heading row first. */
        Array.prototype.forEach.call(table.tBodies, function (body) {
        var rows = Array.prototype.filter.call(body.rows, function (row) { return !row.classList.contains("pp-group-row"); });
        rows.sort(function (a, b) {
          /* A cell marked data-pp-last (no owner) sorts last whichever way the column is sorted. */
          var lastA = a.cells[column].hasAttribute("data-pp-last"), lastB = b.cells[column].hasAttribute("data-pp-last");
          if (lastA !== lastB) return lastA ? 1 : -1;
          var x = sortValue(a.cells[column], numeric), y = sortValue(b.cells[column], numeric);
          if (x === y) return 0;
          if (x === "" || y === "") return x === "" ? 1 : -1;  /* empty cells last, either way */
          return (x < y ? -1 : 1) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
        });
      };
      th.addEventListener("click", activate);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
    });
  }

  /* The rows a filter named `target` applies to: the table with that id, and every table marked
     data-pp-rows="target" (the decisions page's tables, one per status). */
  function filterRows(target) {
    var tables = Array.prototype.slice.call(document.querySelectorAll('table[data-pp-rows="' + target + '"]'));
    var table = document.getElementById(target);
    if (table && table.tagName === "TABLE") tables.unshift(table);
    var rows = [];
    tables.forEach(function (t) {
      Array.prototype.forEach.call(t.tBodies, function (body) {
        rows = rows.concat(Array.prototype.filter.call(body.rows, function (row) { return !row.classList.contains("pp-group-row"); }));
      });
    });
    return rows;
  }

  /* A text box and select boxes (data-pp-facet="owner" matches a row's data-pp-by-owner, a list
     split by "|") filter the same rows together: a row shows when it matches all of them. */
  function makeFilters(root) {
    var controls = {};
    root.querySelectorAll("[data-pp-filter]").forEach(function (control) {
      var target = control.getAttribute("data-pp-filter");
      (controls[target] = controls[target] || []).push(control);
    });
    Object.keys(controls).forEach(function (target) {
      var rows = filterRows(target);
      if (!rows.length) return;
      var counter = document.querySelector('[data-pp-count="' + target + '"]');
      var update = function () {
        var words = [], facets = [];
        controls[target].forEach(function (control) {
          if (control.tagName === "SELECT") {
            if (control.value) facets.push([control.getAttribute("data-pp-facet"), control.value]);
          } else {
            words = words.concat(control.value.toLowerCase().split(/\s+/).filter(Boolean));
          }
        });
        var shown = 0;
        rows.forEach(function (row) {
          var text = words.length ? row.textContent.toLowerCase() : "";
          var match = words.every(function (w) { return text.indexOf(w) !== -1; }) && facets.every(function (facet) {
            return (row.getAttribute("data-pp-by-" + facet[0]) || "-").split("|").indexOf(facet[1]) !== -1;
          });
          row.classList.toggle("pp-hidden", !match);
          if (match) shown++;
        });
        /* A feature's heading row over its rows (the decisions register) shows while one of them does. */
        document.querySelectorAll("tr.pp-group-row").forEach(function (heading) {
          var visible = Array.prototype.some.call(heading.parentNode.rows, function (row) {
            return row !== heading && !row.classList.contains("pp-hidden");
          });
          heading.classList.toggle("pp-hidden", !visible);
        });
        if (counter) counter.textContent = words.length || facets.length ? shown + " of " + rows.length + " shown" : "";
      };
      controls[target].forEach(function (control) {
        control.addEventListener(control.tagName === "SELECT" ? "change" : "input", update);
      });
      update();  /* a browser going back restores the boxes' values */
    });
  }

  function statusFilter(root) {
    var chips = root.querySelectorAll("[data-pp-status]");
    chips.forEach(function (chip) {
      chip.addEventListener("click", function () {
        var wanted = chip.getAttribute("data-pp-status");
        chips.forEach(function (c) { c.setAttribute("aria-pressed", String(c === chip)); });
        document.querySelectorAll("[data-pp-group]").forEach(function (group) {
          var show = wanted === "all" || group.getAttribute("data-pp-group") === wanted;
          group.classList.toggle("pp-hidden", !show);
          var heading = group.previousElementSibling;
          if (heading && /^H[1-6]$/.test(heading.tagName)) heading.classList.toggle("pp-hidden", !show);
        });
      });
    });
  }

  function heatCells(root) {
    root.querySelectorAll("a[data-pp-cell]").forEach(function (link) {
      link.addEventListener("click", function () {
        var cell = link.getAttribute("data-pp-cell");
        document.querySelectorAll("tr[data-pp-cell]").forEach(function (row) {
          row.classList.toggle("pp-focus", row.getAttribute("data-pp-cell") === cell);
        });
      });
    });
  }

  function graphHover(root) {
    root.querySelectorAll("svg[data-pp-graph]").forEach(function (svg) {
      svg.querySelectorAll("a[data-pp-node]").forEach(function (node) {
        var id = node.getAttribute("data-pp-node");
        node.addEventListener("mouseenter", function () {
          svg.classList.add("pp-dim");
          node.classList.add("pp-near");
          svg.querySelectorAll("path[data-pp-from]").forEach(function (edge) {
            var ends = [edge.getAttribute("data-pp-from"), edge.getAttribute("data-pp-to")];
            if (ends.indexOf(id) === -1) return;
            edge.classList.add("pp-near");
            ends.forEach(function (end) {
              var other = svg.querySelector('a[data-pp-node="' + CSS.escape(end) + '"]');
              if (other) other.classList.add("pp-near");
            });
          });
        });
        node.addEventListener("mouseleave", function () {
          svg.classList.remove("pp-dim");
          svg.querySelectorAll(".pp-near").forEach(function (el) { el.classList.remove("pp-near"); });
        });
      });
    });
  }

  function init() {
    var root = document;
    root.querySelectorAll("[data-pp-tools]").forEach(function (tools) { tools.hidden = false; });
    root.querySelectorAll("table[data-pp-sortable]").forEach(makeSortable);
    makeFilters(root);
    statusFilter(root);
    heatCells(root);
    graphHover(root);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);  /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

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
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a.cells[column], numeric), y = sortValue(b.cells[column], numeric);
          if (x === y) return 0;
          if (x === "" || y === "") return x === "" ? 1 : -1;  /* empty cells last, either way */
          return (x < y ? -1 : 1) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      };
      th.addEventListener("click", activate);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-pp-filter"));
    var counter = document.querySelector('[data-pp-count="' + input.getAttribute("data-pp-filter") + '"]');
    if (!table) return;
    var update = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.classList.toggle("pp-hidden", !match);
        if (match) shown++;
      });
      if (counter) counter.textContent = words.length ? shown + " of " + rows.length + " shown" : "";
    };
    input.addEventListener("input", update);
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
    root.querySelectorAll("input[data-pp-filter]").forEach(makeFilter);
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

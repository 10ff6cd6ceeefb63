/* plan portal: sorting, filtering and highlighting, and the view they make kept in the page's URL.
   Pages are complete without it. */
(function () {
  "use strict";

  /* ----------------------------------------------------------------------------- the view in the URL
     A dashboard's list (its "scope": a table's id without "pp-", or the name its data-pp-rows share)
     keeps its view in the query string, so that a link to the filtered view opens it again:
       filter=words   the text box          owner=, level=, status=   a select box or the status buttons
       cell=high-low  a heat-map cell       sort=level-desc           a column (its header's words) and way
     The page's first filtered list uses these names as they are; another list on the same page prefixes
     its scope ("gate-matrix-sort="). A value the page does not offer is ignored and dropped from the URL;
     values are only ever compared or set as a control's value, never written into the page as HTML. */

  var MAX_TEXT = 200;  /* longer text filters are cut */
  var mainScope = "";

  function scopeOf(target) { return (target || "").replace(/^pp-/, ""); }

  function paramName(scope, name) { return scope === mainScope ? name : scope + "-" + name; }

  function param(name) { return new URLSearchParams(window.location.search).get(name); }

  /* Record one name's value in the URL (none: remove it) without a new history entry. */
  function keep(name, value) {
    var url = new URL(window.location.href);
    if (value) url.searchParams.set(name, value); else url.searchParams.delete(name);
    if (url.href === window.location.href) return;
    window.history.replaceState(window.history.state, "", url.href);
    carryToPager();
  }

  /* The pager's links take the view to the list's other pages (filters and sort apply to each page). */
  function carryToPager() {
    document.querySelectorAll(".pp-pager a[href]").forEach(function (link) {
      var bare = link.getAttribute("data-pp-href");
      if (bare === null) { bare = link.getAttribute("href"); link.setAttribute("data-pp-href", bare); }
      var hash = bare.indexOf("#") === -1 ? "" : bare.slice(bare.indexOf("#"));
      link.setAttribute("href", bare.split("#")[0].split("?")[0] + window.location.search + hash);
    });
  }

  /* ------------------------------------------------------------------------------------------ sorting */

  function sortValue(cell, numeric) {
    var raw = cell.getAttribute("data-pp-value");
    if (raw === null) raw = cell.textContent.trim();
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLowerCase();
  }

  /* A column's name in the URL: data-pp-key, else its header's words ("Tasks done" → "tasks-done"). */
  function columnKey(th) {
    return th.getAttribute("data-pp-key") ||
      th.textContent.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function sortRows(table, column, numeric, ascending) {
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
  }

  /* The tables of one scope sort together (the decisions page has a table per status). */
  function makeSortable(tables, scope) {
    var name = scope === null ? null : paramName(scope, "sort");
    var sortBy = function (key, ascending) {
      var found = false;
      tables.forEach(function (table) {
        var done = false;
        table.querySelectorAll("thead th[data-pp-sort]").forEach(function (th) {
          if (done || columnKey(th) !== key) { th.removeAttribute("aria-sort"); return; }
          done = found = true;
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var column = Array.prototype.indexOf.call(th.parentNode.children, th);
          sortRows(table, column, th.getAttribute("data-pp-sort") === "number", ascending);
        });
      });
      return found;
    };
    tables.forEach(function (table) {
      table.querySelectorAll("thead th[data-pp-sort]").forEach(function (th) {
        th.tabIndex = 0;
        th.setAttribute("role", "button");
        var activate = function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          sortBy(columnKey(th), ascending);
          if (name) keep(name, columnKey(th) + (ascending ? "-asc" : "-desc"));
        };
        th.addEventListener("click", activate);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
      });
    });
    if (!name) return;
    var wanted = /^([a-z0-9-]+)-(asc|desc)$/.exec(param(name) || "");
    if (!(wanted && sortBy(wanted[1], wanted[2] === "asc"))) keep(name, "");
  }

  function sortables(root) {
    var scopes = {}, order = [];
    root.querySelectorAll("table[data-pp-sortable]").forEach(function (table) {
      var target = table.getAttribute("data-pp-rows") || table.id;
      if (!target) { makeSortable([table], null); return; }
      if (!Object.prototype.hasOwnProperty.call(scopes, target)) { scopes[target] = []; order.push(target); }
      scopes[target].push(table);
    });
    order.forEach(function (target) { makeSortable(scopes[target], scopeOf(target)); });
  }

  /* ---------------------------------------------------------------------------------------- filtering */

  /* The rows a filter named `target` applies to: the table with that id, and every table marked
     data-pp-rows="target" (the decisions page's tables, one per status). */
  function filterRows(target) {
    var tables = Array.prototype.filter.call(document.querySelectorAll("table[data-pp-rows]"), function (t) {
      return t.getAttribute("data-pp-rows") === target;
    });
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

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (option) { return option.value === value; });
  }

  /* A text box and select boxes (data-pp-facet="owner" matches a row's data-pp-by-owner, a list
     split by "|") filter the same rows together: a row shows when it matches all of them, and the
     heat-map cell chosen (a row's data-pp-cell) when there is one. */
  function makeFilters(root) {
    var controls = {}, targets = [];
    root.querySelectorAll("[data-pp-filter]").forEach(function (control) {
      var target = control.getAttribute("data-pp-filter");
      if (!Object.prototype.hasOwnProperty.call(controls, target)) { controls[target] = []; targets.push(target); }
      controls[target].push(control);
    });
    targets.forEach(function (target) {
      var rows = filterRows(target);
      if (!rows.length) return;
      var scope = scopeOf(target);
      var counter = document.querySelector('[data-pp-count="' + CSS.escape(target) + '"]');
      var heat = heatMap(root, target);
      var update = function () {
        var words = [], facets = [], cell = heat ? heat.chosen() : "";
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
          }) && (!cell || row.getAttribute("data-pp-cell") === cell);
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
        if (counter) counter.textContent = words.length || facets.length || cell ? shown + " of " + rows.length + " shown" : "";
      };
      var nameOf = function (control) {
        return paramName(scope, control.tagName === "SELECT" ? control.getAttribute("data-pp-facet") : "filter");
      };
      controls[target].forEach(function (control) {
        /* The URL's value wins; without one, a browser going back may have restored the box's value. */
        var wanted = param(nameOf(control));
        if (control.tagName === "SELECT") {
          if (wanted !== null && hasOption(control, wanted)) control.value = wanted;
        } else if (wanted !== null) {
          control.value = wanted.slice(0, MAX_TEXT);
        }
        keep(nameOf(control), control.value.slice(0, MAX_TEXT));
        control.addEventListener(control.tagName === "SELECT" ? "change" : "input", function () {
          keep(nameOf(control), control.value.slice(0, MAX_TEXT));
          update();
        });
      });
      if (heat) heat.start(paramName(scope, "cell"), update);
      update();
    });
  }

  /* The heat map over the rows of `target` (data-pp-cells="target"): a cell's link chooses its risks
     (a second click, or the note's Clear, shows all again); the note says what the register shows. */
  function heatMap(root, target) {
    var map = Array.prototype.filter.call(root.querySelectorAll("table[data-pp-cells]"), function (t) {
      return t.getAttribute("data-pp-cells") === target;
    })[0];
    if (!map) return null;
    var links = Array.prototype.slice.call(map.querySelectorAll("a[data-pp-cell]"));
    var note = Array.prototype.filter.call(root.querySelectorAll("[data-pp-cell-note]"), function (n) {
      return n.getAttribute("data-pp-cell-note") === target;
    })[0];
    var chosen = "", name = "", refresh = function () {};
    var linkOf = function (value) { return links.filter(function (l) { return l.getAttribute("data-pp-cell") === value; })[0]; };
    var choose = function (value, reveal) {
      var link = value ? linkOf(value) : null;
      chosen = link ? value : "";
      map.classList.toggle("pp-heat-chosen", !!link);
      links.forEach(function (l) {
        if (l === link) l.setAttribute("aria-current", "true"); else l.removeAttribute("aria-current");
        l.parentNode.classList.toggle("pp-heat-on", l === link);
      });
      if (note) {
        note.hidden = !link;
        note.querySelector("[data-pp-cell-text]").textContent = link ? link.getAttribute("data-pp-cell-label") : "";
      }
      keep(name, chosen);
      refresh();
      if (link && reveal && note && note.getBoundingClientRect().top > window.innerHeight * 0.6) {
        note.scrollIntoView({block: "start"});
      }
    };
    return {
      chosen: function () { return chosen; },
      start: function (paramNameOfCell, update) {
        name = paramNameOfCell;
        refresh = update;
        links.forEach(function (link) {
          link.addEventListener("click", function (e) {
            if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;  /* a new tab or window */
            /* A cell whose first risk is on another page of the register: follow the link there. */
            if (new URL(link.href).pathname !== window.location.pathname) return;
            e.preventDefault();
            e.stopPropagation();  /* or Material's instant navigation pushes the link's URL as a new entry */
            var value = link.getAttribute("data-pp-cell");
            choose(value === chosen ? "" : value, true);
          });
        });
        if (note) {
          var clear = note.querySelector("[data-pp-cell-clear]");
          if (clear) clear.addEventListener("click", function () { choose("", false); });
        }
        choose(param(name) || "", true);
      },
    };
  }

  /* The decisions page's status buttons: show one status's table (or all), kept as status=. */
  function statusFilter(root) {
    var chips = Array.prototype.slice.call(root.querySelectorAll("[data-pp-status]"));
    if (!chips.length) return;
    var name = paramName(mainScope, "status");
    var show = function (wanted) {
      chips.forEach(function (c) { c.setAttribute("aria-pressed", String(c.getAttribute("data-pp-status") === wanted)); });
      document.querySelectorAll("[data-pp-group]").forEach(function (group) {
        var visible = wanted === "all" || group.getAttribute("data-pp-group") === wanted;
        group.classList.toggle("pp-hidden", !visible);
        var heading = group.previousElementSibling;
        if (heading && /^H[1-6]$/.test(heading.tagName)) heading.classList.toggle("pp-hidden", !visible);
      });
      keep(name, wanted === "all" ? "" : wanted);
    };
    chips.forEach(function (chip) {
      chip.addEventListener("click", function () { show(chip.getAttribute("data-pp-status")); });
    });
    var wanted = param(name);
    var known = chips.some(function (c) { return c.getAttribute("data-pp-status") === wanted; });
    show(known ? wanted : "all");
  }

  /* A picture's boxes are its links (<a>) in drawing order; a line's data-pp-ends holds the numbers
     of its two boxes ("3 7"). Hovering a box highlights it, its lines and the boxes at their ends. */
  function graphHover(root) {
    root.querySelectorAll("svg[data-pp-graph]").forEach(function (svg) {
      var boxes = Array.prototype.slice.call(svg.querySelectorAll("a"));
      var lines = Array.prototype.map.call(svg.querySelectorAll("path[data-pp-ends]"), function (line) {
        return {line: line, ends: line.getAttribute("data-pp-ends").split(" ").map(Number)};
      });
      boxes.forEach(function (node, number) {
        node.addEventListener("mouseenter", function () {
          svg.classList.add("pp-dim");
          node.classList.add("pp-near");
          lines.forEach(function (found) {
            if (found.ends.indexOf(number) === -1) return;
            found.line.classList.add("pp-near");
            found.ends.forEach(function (end) { if (boxes[end]) boxes[end].classList.add("pp-near"); });
          });
        });
        node.addEventListener("mouseleave", function () {
          svg.classList.remove("pp-dim");
          svg.querySelectorAll(".pp-near").forEach(function (el) { el.classList.remove("pp-near"); });
        });
      });
    });
  }

  /* The page's main list: the first one a filter applies to, else the first sortable one with a name. */
  function findMainScope(root) {
    var filter = root.querySelector("[data-pp-filter]");
    if (filter) return scopeOf(filter.getAttribute("data-pp-filter"));
    var named = Array.prototype.filter.call(root.querySelectorAll("table[data-pp-sortable]"), function (t) {
      return t.getAttribute("data-pp-rows") || t.id;
    })[0];
    return named ? scopeOf(named.getAttribute("data-pp-rows") || named.id) : "";
  }

  function init() {
    var root = document;
    mainScope = findMainScope(root);
    root.querySelectorAll("[data-pp-tools]").forEach(function (tools) { tools.hidden = false; });
    sortables(root);
    makeFilters(root);
    statusFilter(root);
    graphHover(root);
    carryToPager();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);  /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

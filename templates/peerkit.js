/* peerkit dashboard: sortable and filterable tables. Progressive enhancement:
   every table is complete and readable without this script. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  // A column sorts by its real values: numbers as numbers (8 < 9 < 26.5, never "26.5" < "9.0"),
  // ISO dates as dates, anything else as text (numbers inside it in numeric order). The kind is
  // the header's data-sort-type, or what every non-empty value of the column is.
  var NUMBER = /^-?\d+(?:\.\d+)?$/;
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

  function columnType(values) {
    var filled = values.filter(function (v) { return v !== ""; });
    if (filled.length && filled.every(function (v) { return NUMBER.test(v); })) return "number";
    if (filled.length && filled.every(function (v) { return ISO_DATE.test(v); })) return "date";
    return "text";
  }

  // Empty cells (never supervised, no value) come first going up, as the smallest value.
  function compare(a, b, type) {
    if (a === "" || b === "") return (a === "" ? 0 : 1) - (b === "" ? 0 : 1);
    if (type === "number") return parseFloat(a) - parseFloat(b);
    if (type === "date") return a < b ? -1 : (a > b ? 1 : 0);
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var values = rows.map(function (row) { return cellValue(row, index); });
        var type = th.getAttribute("data-sort-type") || columnType(values);
        var order = rows.map(function (row, i) { return i; });
        order.sort(function (i, j) {
          var result = compare(values[i], values[j], type);
          return (ascending ? result : -result) || i - j;  // ties keep their order
        });
        rows = order.map(function (i) { return rows[i]; });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(table) {
    var label = document.createElement("label");
    label.className = "filter";
    label.textContent = "Filter: ";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "name, status, role…";
    input.setAttribute("aria-controls", table.id);
    label.appendChild(input);
    table.parentNode.parentNode.insertBefore(label, table.parentNode);
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  }

  // Every table sits in a .table-wrap (a box that scrolls sideways, with edge shadows from the CSS):
  // one a template did not wrap gets a box here. A box whose table is wider than it says so in a line
  // above it, and takes keyboard focus so it can be scrolled without a mouse.
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-wrap")) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }

  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var cue = wrap.previousElementSibling;
      var hasCue = cue !== null && cue.classList.contains("scroll-cue");
      if (scrolls && !hasCue) {
        cue = document.createElement("p");
        cue.className = "scroll-cue";
        cue.setAttribute("aria-hidden", "true");
        cue.textContent = "Scroll the table sideways to see every column \u2192";
        wrap.parentNode.insertBefore(cue, wrap);
        var table = wrap.querySelector("table");
        var name = table && table.caption ? table.caption.textContent.trim() : "Table";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name + " (scrolls sideways)");
      } else if (!scrolls && hasCue) {
        cue.parentNode.removeChild(cue);
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  wrapTables();
  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("table[data-filterable]").forEach(makeFilterable);
  markScrolling();
  window.addEventListener("resize", markScrolling);
  document.querySelectorAll("details").forEach(function (d) { d.addEventListener("toggle", markScrolling); });
  document.documentElement.classList.add("js");
})();

(function () {
  "use strict";
  function value(row, i, num) {
    var c = row.cells[i];
    if (!c) return num ? 0 : "";
    return num ? parseFloat(c.getAttribute("data-v") || "0") : c.textContent;
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (t) {
    var body = t.tBodies[0];
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
      function sort() {
        var num = th.getAttribute("data-type") === "num";
        var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
        Array.prototype.forEach.call(t.tHead.rows[0].cells, function (o) { o.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir);
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a, i, num), y = value(b, i, num);
          var c = num ? x - y : x.localeCompare(y);
          return dir === "asc" ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
    var t = document.getElementById(input.getAttribute("data-table"));
    var count = document.getElementById(input.getAttribute("data-count"));
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase(), n = 0;
      Array.prototype.forEach.call(t.tBodies[0].rows, function (r) {
        var show = r.textContent.toLowerCase().indexOf(q) >= 0;
        r.hidden = !show;
        if (show) n++;
      });
      count.textContent = String(n);
    });
  });
  document.body.setAttribute("data-ready", String(tables.length));
})();

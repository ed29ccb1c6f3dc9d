// Injected at the end of a copy of report.html by tests/browser_cli.rs
// (the error hooks go first in <head>, see ERROR_HOOKS there). Once the
// page has loaded it measures every chart and the map, clicks a numeric
// header of every sortable table twice, and writes what it found as JSON
// into <pre id="tplan-check">, which `chromium --dump-dom` prints.
window.addEventListener('load', function () {
  var result = { errors: window.__tplanErrors || [], charts: [], map: null, tables: [] };
  document.querySelectorAll('figure svg, figure img, canvas').forEach(function (el) {
    var box = el.getBoundingClientRect();
    var section = el.closest('section');
    result.charts.push({ section: section ? section.id : '', width: box.width, height: box.height });
  });
  var map = document.querySelector('#map figure svg');
  if (map) {
    var box = map.getBoundingClientRect();
    result.map = { width: box.width, height: box.height };
  }
  function keys(body, i) {
    return Array.prototype.map.call(body.rows, function (row) {
      return parseFloat(row.cells[i].dataset.k);
    });
  }
  function ordered(values, ascending) {
    for (var k = 1; k < values.length; k++) {
      if (ascending ? values[k - 1] > values[k] : values[k - 1] < values[k]) return false;
    }
    return true;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    // The first numeric column with two different values: sorting a
    // column of equal values would prove nothing.
    var first = body.rows[0];
    var i = Array.prototype.findIndex.call(first.cells, function (c, k) {
      return c.dataset.k !== undefined && new Set(keys(body, k)).size > 1;
    });
    if (i < 0) return;
    var th = table.tHead.rows[0].cells[i];
    var section = table.closest('section');
    var distinct = new Set(keys(body, i)).size;
    th.click();
    var ascending = ordered(keys(body, i), true);
    th.click();
    var descending = ordered(keys(body, i), false);
    result.tables.push({
      section: section ? section.id : '',
      column: th.textContent,
      rows: body.rows.length,
      distinct: distinct,
      ascending: ascending,
      descending: descending
    });
  });
  var out = document.createElement('pre');
  out.id = 'tplan-check';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});

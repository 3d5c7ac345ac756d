// Draws the snapshots that /dashboard/events pushes once a second. Plain DOM and SVG: no libraries.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var HOUR = 3600 * 1000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function bar(cls, fraction) {
    var b = el('div', 'bar ' + cls);
    var fill = el('div');
    fill.style.width = Math.round(100 * Math.max(0, Math.min(1, fraction))) + '%';
    b.appendChild(fill);
    return b;
  }

  function servants(list) {
    var box = document.getElementById('servants');
    box.textContent = '';
    document.getElementById('servant-count').textContent = '(' + list.length + ')';
    list.forEach(function (s) {
      var row = el('div', 'servant');
      row.setAttribute('data-location', s.location);
      row.appendChild(el('div', 'name', s.location));
      var bars = el('div', 'bars');
      bars.appendChild(bar('slots', s.capacity > 0 ? s.running / s.capacity : 0));
      bars.appendChild(bar('load', s.cpus > 0 ? s.load / s.cpus : 0));
      row.appendChild(bars);
      var nums = s.running + ' / ' + s.capacity + ' slots, load ' + s.load + ' of ' + s.cpus;
      row.appendChild(el('div', 'nums', s.notAccepting ? nums + ' (' + s.notAccepting + ')' : nums));
      box.appendChild(row);
    });
    if (list.length === 0) { box.appendChild(el('p', 'empty', 'no servants')); }
  }

  function running(list) {
    var body = document.getElementById('running');
    body.textContent = '';
    document.getElementById('running-count').textContent = '(' + list.length + ')';
    list.forEach(function (t) {
      var tr = el('tr', 'task');
      tr.appendChild(el('td', '', t.servant));
      tr.appendChild(el('td', '', String(t.grantId)));
      tr.appendChild(el('td', '', t.task));
      body.appendChild(tr);
    });
  }

  function svg(tag, attrs, cls) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (cls) { e.setAttribute('class', cls); }
    return e;
  }

  // x: the last hour ending now; y: 0..100 %. Intervals with nothing to measure leave a gap.
  function chart(id, points, key, now) {
    var box = document.getElementById(id);
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var L = 34, R = 392, T = 8, B = 140;
    [0, 0.5, 1].forEach(function (v) {
      var y = B - v * (B - T);
      box.appendChild(svg('line', { x1: L, x2: R, y1: y, y2: y }, v === 0 ? 'axis' : 'grid'));
      var label = svg('text', { x: 2, y: y + 3 });
      label.textContent = Math.round(v * 100) + '%';
      box.appendChild(label);
    });
    var left = svg('text', { x: L, y: 155 });
    left.textContent = '-60 min';
    box.appendChild(left);
    var right = svg('text', { x: R - 20, y: 155 });
    right.textContent = 'now';
    box.appendChild(right);
    var segment = [];
    function flush() {
      if (segment.length > 1) { box.appendChild(svg('polyline', { points: segment.join(' ') }, 'line')); }
      segment = [];
    }
    points.forEach(function (p) {
      var v = p[key];
      if (v === null || v === undefined) { flush(); return; }
      var x = L + (R - L) * Math.max(0, 1 - (now - p.at) / HOUR);
      var y = B - v * (B - T);
      segment.push(x.toFixed(1) + ',' + y.toFixed(1));
      box.appendChild(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2 }, 'dot'));
    });
    flush();
  }

  function list(id, items, cls, text) {
    var ul = document.getElementById(id);
    ul.textContent = '';
    items.forEach(function (i) { ul.appendChild(el('li', cls, text(i))); });
    if (items.length === 0) { ul.appendChild(el('li', 'empty', 'none')); }
  }

  function totals(s) {
    var dl = document.getElementById('totals');
    dl.textContent = '';
    function row(k, v) { dl.appendChild(el('dt', '', k)); dl.appendChild(el('dd', '', v)); }
    row('daemons reporting', String(s.daemons));
    row('compiles in flight', String(s.tasksInFlight));
    if (s.cache) {
      row('cache hits / misses', s.cache.hits + ' / ' + s.cache.misses);
      row('cache size', (s.cache.bytes / 1048576).toFixed(1) + ' MiB');
    } else {
      row('cache', 'not reachable');
    }
  }

  function render(s) {
    servants(s.servants);
    running(s.runningTasks);
    chart('chart-remote', s.history, 'remoteShare', s.at);
    chart('chart-cache', s.history, 'cacheHitRatio', s.at);
    list('fallbacks', s.fallbacks, 'fallback', function (f) {
      return new Date(f.at).toLocaleTimeString() + '  ' + f.reason + '  (' + f.daemon + ')';
    });
    list('compilers', s.compilers, 'compiler', function (c) {
      return c.name + ' on ' + c.servants + ' servant' + (c.servants === 1 ? '' : 's');
    });
    totals(s);
    var status = document.getElementById('status');
    status.textContent = 'live ' + new Date(s.at).toLocaleTimeString();
    status.className = 'status live';
  }

  var source = new EventSource('events' + window.location.search);
  source.onmessage = function (e) { render(JSON.parse(e.data)); };
  source.onerror = function () {
    var status = document.getElementById('status');
    status.textContent = 'disconnected, retrying';
    status.className = 'status';
  };
}());

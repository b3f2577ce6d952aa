/* Karabakh Conflict Atlas: the time engine. The browser holds every version of every dated feature (a
 * "history", built by dashboard/map/history.py) and shows a date by filtering it, with the atlas's one time
 * rule: a feature covering the days [a, b) is visible on day D iff a <= D < b. Windowed layers (incidents,
 * events) show what overlaps the event window [first, last] ending on D: a <= last and first < b.
 *
 * A date change swaps only the features that appear or disappear; each feature's Leaflet layer is made once
 * (style, hatch and popup exactly as for a single date: atlas.js). Above history.maxMarkers events in the
 * window, events are drawn as counted cells of history.cell degrees, as dashboard/map/layers.py does.
 *
 * window.atlasEngine (the last engine made) is a stable hook for tests and tools:
 *   setDate("YYYY-MM-DD"), date(), visibleIds() -> {layer: [ids as in the GeoJSON layers]}.
 */
(function () {
  "use strict";
  var DAY_MS = 864e5;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function dayNumber(iso) {
    var p = String(iso).split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY_MS);
  }
  function isoDay(n) { return new Date(n * DAY_MS).toISOString().slice(0, 10); }
  function parts(n) { var d = new Date(n * DAY_MS); return [d.getUTCDate(), d.getUTCMonth(), d.getUTCFullYear()]; }
  /* "10 Nov 2020" (the date tag, as core/view.date_text) and "10 November 2020" (for screen readers). */
  function shortText(n) { var p = parts(n); return p[0] + " " + MONTHS[p[1]].slice(0, 3) + " " + p[2]; }
  function longText(n) { var p = parts(n); return p[0] + " " + MONTHS[p[1]] + " " + p[2]; }
  function isoValid(text) { return /^\d{4}-\d{2}-\d{2}$/.test(String(text)) && !isNaN(dayNumber(text)); }

  function numbers(list, open) {
    var out = new Float64Array(list.length);
    for (var i = 0; i < list.length; i++) out[i] = list[i] === null ? open : list[i];
    return out;
  }

  function Engine(map, history, options) {
    this.map = map;
    this.options = options || {};
    this.hidden = {};
    this.window = {since: null, lastDays: null};
    if (this.options.window) this.setWindowOnly(this.options.window);
    if (this.options.day && isoValid(this.options.day)) this.day = dayNumber(this.options.day);
    this.listeners = [];
    this.tag = L.DomUtil.create("div", "datetag", map.getContainer());
    this.tag.setAttribute("aria-hidden", "true");  // the date control announces the date
    this.load(history);
  }

  /* Take a new history (other layers, filters or names): the date and the window stay. */
  Engine.prototype.load = function (history) {
    var self = this;
    (this.layers || []).forEach(function (st) {
      self.map.removeLayer(st.group);
      if (st.cells) self.map.removeLayer(st.cells);
    });
    this.history = history;
    this.first = dayNumber(history.first);
    this.last = dayNumber(history.last);
    this.changes = history.changes.map(dayNumber);
    this.family = {};
    history.families.forEach(function (fam, k) { fam[2].forEach(function (t) { self.family[t] = k; }); });
    this.byName = {};
    this.layers = history.layers.map(function (spec) {
      var st = {spec: spec, name: spec.name, a: numbers(spec.a, -Infinity), b: numbers(spec.b, Infinity),
                n: spec.a.length, on: new Uint8Array(spec.a.length), made: new Array(spec.a.length),
                group: atlas.layer({features: [], kind: spec.kind, popup: spec.popup, interactive: spec.interactive}),
                cells: null, cellSig: null, aggregated: false, undrawn: null, shownMembers: [], sigs: []};
      if (spec.undrawn) {
        st.undrawn = new Uint8Array(st.n);
        spec.undrawn.forEach(function (p) { st.undrawn[p] = 1; });
      }
      st.group.addTo(self.map);
      self.byName[spec.name] = st;
      return st;
    });
    this.day = this.day === undefined ? this.clamp(this.last) : this.clamp(this.day);
    atlas.setPlaceNames(this.map, history.names.mode, history.names.show && !this.hidden.places);
    this.draw();
  };

  Engine.prototype.clamp = function (n) { return Math.min(Math.max(n, this.first), this.last); };

  /* The event window ending on ``day``: [first, last], days as numbers. */
  Engine.prototype.bounds = function (day) {
    if (this.window.lastDays) return [day - (Math.max(this.window.lastDays, 1) - 1), day];
    if (this.window.since) return [dayNumber(this.window.since), day];
    return [-Infinity, day];
  };

  Engine.prototype.setWindowOnly = function (w) {
    w = w || {};
    this.window = {since: w.since || null, lastDays: w.lastDays || w.last_days || null};
  };

  Engine.prototype.setWindow = function (w) {
    var before = JSON.stringify(this.window);
    this.setWindowOnly(w);
    if (JSON.stringify(this.window) !== before) this.draw();
  };

  /* Visible positions of a layer on ``day`` by the time rule (ignores toggles). */
  Engine.prototype.visible = function (st, day) {
    var first = day, last = day, out = [];
    if (st.spec.windowed) { var w = this.bounds(day); first = w[0]; last = w[1]; }
    var a = st.a, b = st.b;
    for (var i = 0; i < st.n; i++) if (a[i] <= last && first < b[i]) out.push(i);
    return out;
  };

  Engine.prototype.setDate = function (day, source) {
    var n = typeof day === "number" ? day : dayNumber(day);
    if (isNaN(n)) throw new Error("not a date: " + day);
    n = this.clamp(n);
    if (n === this.day && this.drawn) return this.date();
    this.day = n;
    this.draw();
    var iso = this.date();
    this.listeners.forEach(function (fn) { fn(iso, source); });
    return iso;
  };

  Engine.prototype.onDate = function (fn) { this.listeners.push(fn); };
  Engine.prototype.date = function () { return isoDay(this.day); };
  Engine.prototype.dateNumber = function () { return this.day; };

  /* Show or hide a whole layer (the page's toggles; "places" are the labels). */
  Engine.prototype.show = function (name, shown) {
    this.hidden[name] = !shown;
    if (name === "events") { this.hidden.halos = !shown; this.hidden.user_events = !shown; }
    if (name === "places") atlas.setPlaceNames(this.map, this.history.names.mode, this.history.names.show && shown);
    this.draw();
  };

  Engine.prototype.setNames = function (mode) {
    this.history.names.mode = mode;
    atlas.setPlaceNames(this.map, mode, this.history.names.show && !this.hidden.places);
  };

  /* A feature of a compact layer (many events as columns: history.py compact_events), made when first shown. */
  function compactFeature(st, i) {
    var c = st.spec.compact, kind = c.combos[c.k[i]], id = st.spec.ids[i][0], last = st.b[i] - 1;
    var when = isoDay(st.a[i]) + (last > st.a[i] ? " to " + isoDay(last) : "");
    return {type: "Feature", id: st.name + ":" + id, geometry: {type: "Point", coordinates: [c.lon[i], c.lat[i]]},
            properties: {event_type: kind[0], claim_status: kind[1], geo_precision: kind[2], _s: kind[3],
                         _p: {t: kind[4], f: [["Date", when], ["Claim status", kind[1]], ["Location precision", kind[2]],
                                              ["Event id", id], ["Sources", c.note]], s: [], m: 0}}};
  }

  /* [lon, lat] and the properties aggregation reads, of the feature at position p. */
  function lonLat(st, p) {
    var c = st.spec.compact;
    return c ? [c.lon[p], c.lat[p]] : st.spec.features[p].geometry.coordinates;
  }
  function kindOf(st, p) {
    var c = st.spec.compact;
    if (!c) return st.spec.features[p].properties;
    var kind = c.combos[c.k[p]];
    return {event_type: kind[0], claim_status: kind[1]};
  }

  /* An area marker (history.py area_history) for the events of it shown now: their number, where, which
   * dates, and each event to choose from (as describe.area_description words it in Python). */
  function areaFeature(engine, st, i) {
    var base = st.spec.features[i], a = base.properties._a, leader = engine.byName[st.spec.follows];
    var members = st.spec.members[i], shown = st.shownMembers[i], locs = [], seen = {}, days = [], ids = [], items = [];
    shown.forEach(function (j) {
      var p = members[j], f = leader.spec.features[p], loc = a.locs[j];
      if (!seen.hasOwnProperty(loc)) { seen[loc] = true; locs.push(loc); }
      days.push(isoDay(leader.a[p]));
      ids.push(leader.spec.ids[p][0]);
      items.push({id: f.id, properties: {_p: f.properties._p}});
    });
    days.sort();
    var n = shown.length, where = locs.length === 1 ? locs[0] : a.where, extra = locs.length - a.most;
    var facts = [["Where", a.fact],
                 ["Locations", locs.slice(0, a.most).join("; ") + (extra > 0 ? " and " + extra + " more" : "")],
                 ["Dates", days[0] === days[n - 1] ? days[0] : days[0] + " to " + days[n - 1]],
                 ["Sources", a.sources]].filter(function (kv) { return kv[1]; });
    st.sigs[i] = shown.join(",");
    return {type: "Feature", id: "areas:" + ids.join("+"), geometry: base.geometry,
            properties: {geo_precision: a.precision, _s: Object.assign({}, base.properties._s, {label: String(n)}),
                         _items: items,
                         _p: {t: n + (n === 1 ? " event" : " events") + " somewhere in " + where + " (" + a.precision +
                                 "-level)", f: facts, s: [], m: 0}}};
  }

  Engine.prototype.make = function (st, i) {
    var f = st.spec.compact ? compactFeature(st, i) : (st.spec.members && st.spec.kind === "div") ?
      areaFeature(this, st, i) : st.spec.features[i];
    var layer = L.GeoJSON.geometryToLayer(f, st.group.options);
    layer.feature = f;
    layer.defaultOptions = layer.options;
    st.group.resetStyle(layer);
    atlas.each(f, layer);
    st.made[i] = layer;
    return layer;
  };

  /* A group layer's features to show (halos, areas): those with an event shown one by one in the layer they
   * follow; st.shownMembers[k] lists, per feature, which of its events (indices into its members). */
  Engine.prototype.groupsShown = function (st, visibleBy) {
    var leader = this.byName[st.spec.follows], out = [];
    st.shownMembers = [];
    if (!leader || this.hidden[leader.name] || leader.aggregated) return out;
    var flags = new Uint8Array(leader.n);
    visibleBy[leader.name].forEach(function (p) { flags[p] = 1; });
    st.spec.members.forEach(function (members, k) {
      var shown = [];
      for (var j = 0; j < members.length; j++) if (flags[members[j]]) shown.push(j);
      if (shown.length) { out.push(k); st.shownMembers[k] = shown; }
    });
    return out;
  };

  /* What each layer shows on this.day by the time rule, and whether events are counted by cell. */
  Engine.prototype.visibleBy = function () {
    var self = this, out = {};
    this.layers.forEach(function (st) {
      if (st.spec.members) return;
      var want = self.hidden[st.name] ? [] : self.visible(st, self.day);
      st.aggregated = self.history.maxMarkers >= 0 && (st.name === "events" || st.name === "user_events") &&
        want.length > self.history.maxMarkers;
      out[st.name] = want;
    });
    return out;
  };

  /* The features a layer draws one by one now. */
  Engine.prototype.wanted = function (st, visibleBy) {
    if (st.spec.members) return this.groupsShown(st, visibleBy);
    var want = visibleBy[st.name];
    if (st.name === "events" || st.name === "user_events") this.drawCells(st, st.aggregated ? want : []);
    if (st.aggregated) return [];
    if (st.undrawn) want = want.filter(function (p) { return !st.undrawn[p]; });
    return want;
  };

  /* Swap in the features of this.day: only what appears, disappears or changes (an area marker whose events
   * changed); then restore the drawing order. */
  Engine.prototype.draw = function () {
    var self = this, lowest = Infinity, visibleBy = this.visibleBy();
    this.layers.forEach(function (st, k) {
      var want = self.wanted(st, visibleBy), composed = st.spec.kind === "div" && st.spec.members;
      var next = new Uint8Array(st.n), on = st.on, added = false;
      for (var j = 0; j < want.length; j++) next[want[j]] = 1;
      for (var i = 0; i < st.n; i++) {
        if (composed && next[i] && on[i] && st.sigs[i] !== st.shownMembers[i].join(",")) {
          st.group.removeLayer(st.made[i]);  // the same area, other events: made again with its new count
          st.made[i] = null;
          on[i] = 0;
        }
        if (next[i] === on[i]) continue;
        if (next[i]) {
          if (composed) st.made[i] = null;
          st.group.addLayer(st.made[i] || self.make(st, i));
          added = true;
        } else {
          st.group.removeLayer(st.made[i]);
        }
      }
      st.on = next;
      if (added) lowest = Math.min(lowest, k);
    });
    if (lowest < Infinity) this.restack(lowest);
    this.tag.setAttribute("data-date", this.date());
    this.tag.textContent = shortText(this.day);
    this.drawn = true;
  };

  /* Canvas paths are drawn in the order they were added: a feature that came back goes to the top, so
   * bring everything from its layer up to the front again, bottom first (zones stay under the corridor). */
  Engine.prototype.restack = function (from) {
    for (var k = from; k < this.layers.length; k++) {
      var st = this.layers[k];
      for (var i = 0; i < st.n; i++) {
        if (st.on[i] && st.made[i] instanceof L.Path) st.made[i].bringToFront();
      }
      if (st.cells) st.cells.eachLayer(function (c) { c.bringToFront(); });
    }
  };

  /* Events as one circle per cell of history.cell degrees: how many, which kinds and claims, which dates. */
  Engine.prototype.drawCells = function (st, positions) {
    var sig = positions.length ? positions.length + ":" + positions[0] + ":" + positions[positions.length - 1] +
      ":" + positions.reduce(function (s, p) { return (s + p) % 1000000007; }, 0) : "";
    if (sig === st.cellSig) return;
    st.cellSig = sig;
    if (!st.cells) {
      st.cells = atlas.layer({features: [], kind: "circlemarker", popup: true}).addTo(this.map);
    }
    st.cells.clearLayers();
    if (!positions.length) return;
    var cellFeatures = aggregate(this, st, positions);
    st.cells.addData(cellFeatures);
  };

  function aggregate(engine, st, positions) {
    var size = engine.history.cell, fams = engine.history.families, cells = {}, keys = [];
    positions.forEach(function (p) {
      var c = lonLat(st, p), lon = c[0], lat = c[1];
      var key = Math.floor(lat / size) * 100000 + Math.floor(lon / size);
      var cell = cells[key];
      if (!cell) {
        cell = cells[key] = {n: 0, lat: 0, lon: 0, fam: fams.map(function () { return 0; }), claims: {},
                             min: Infinity, max: -Infinity};
        keys.push(key);
      }
      var props = kindOf(st, p), fam = engine.family[props.event_type];
      cell.n += 1; cell.lat += lat; cell.lon += lon;
      cell.fam[fam === undefined ? fams.length - 1 : fam] += 1;
      var claim = props.claim_status;
      cell.claims[claim] = (cell.claims[claim] || 0) + 1;
      cell.min = Math.min(cell.min, st.a[p]); cell.max = Math.max(cell.max, st.a[p]);
    });
    keys.sort(function (x, y) { return x - y; });
    var user = st.name === "user_events";
    return keys.map(function (key) {
      var cell = cells[key], order = fams.map(function (_, k) { return k; });
      order.sort(function (x, y) { return cell.fam[y] - cell.fam[x] || x - y; });
      var kinds = order.filter(function (k) { return cell.fam[k]; })
        .map(function (k) { return fams[k][0] + ": " + cell.fam[k]; }).join("; ");
      var claims = Object.keys(cell.claims).sort()
        .map(function (c) { return c + ": " + cell.claims[c]; }).join("; ");
      var style = {radius: Math.min(22, 5 + 2.2 * Math.sqrt(cell.n)), color: user ? "#000000" : "#ffffff",
                   weight: user ? 3 : 1.5, opacity: 1, fill: true, fillColor: fams[order[0]][1], fillOpacity: 0.75};
      return {type: "Feature", id: (user ? "user_cells:" : "cells:") + key,
              geometry: {type: "Point", coordinates: [Math.round(cell.lon / cell.n * 1e4) / 1e4,
                                                      Math.round(cell.lat / cell.n * 1e4) / 1e4]},
              properties: {_s: style, _p: {
                t: cell.n.toLocaleString("en-US") + (cell.n === 1 ? " event" : " events") + " around here (aggregated)",
                f: [["Kinds", kinds], ["Claim status", claims],
                    ["Dates", isoDay(cell.min) + " to " + isoDay(cell.max)],
                    ["Sources", "each event's own: narrow the window or the filters to see them, or export CSV/GeoJSON"]],
                s: [], m: 0}}};
    });
  }

  /* {layer: [ids as in the GeoJSON layers]} of what is shown now (events by the rule even when counted). */
  Engine.prototype.visibleIds = function () {
    var self = this, out = {};
    this.layers.forEach(function (st) {
      if (st.spec.follows) return;
      var ids = [];
      if (!self.hidden[st.name]) {
        self.visible(st, self.day).forEach(function (i) { ids.push.apply(ids, st.spec.ids[i]); });
      }
      out[st.name] = ids;
    });
    return out;
  };

  /* The change days strictly before / after the shown date (null at the ends). */
  Engine.prototype.previousChange = function () {
    var days = this.changes, found = null;
    for (var i = 0; i < days.length && days[i] < this.day; i++) found = days[i];
    return found === null || found < this.first ? null : found;
  };
  Engine.prototype.nextChange = function () {
    for (var i = 0; i < this.changes.length; i++) {
      if (this.changes[i] > this.day) return this.changes[i] <= this.last ? this.changes[i] : null;
    }
    return null;
  };

  atlas.engine = function (map, history, options) {
    var engine = new Engine(map, history, options);
    window.atlasEngine = engine;
    return engine;
  };
  atlas.days = {number: dayNumber, iso: isoDay, shortText: shortText, longText: longText, valid: isoValid};
})();

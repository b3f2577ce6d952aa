/* Karabakh Conflict Atlas: drawing helpers for the Leaflet map (the app's component and the HTML exports).
 *
 * Features carry their own style (properties._s, computed in Python from dashboard/core/palette.py) and
 * popup data (properties._p). Popups are built with DOM text nodes only: no data text is ever parsed as
 * HTML, and only http(s) URLs become links.
 *
 * L.Browser.ie3d makes Leaflet place markers with 2D translate() instead of translate3d(): a 3D transform
 * gives every place label and post its own compositing layer, and Chromium then spent about 80 ms per
 * date step re-layerizing the page (traced: 882 -> 299 ms over 10 steps). Zoom animation is unaffected.
 */
(function () {
  "use strict";
  L.Browser.ie3d = true;
  var atlas = {};
  var hatchColours = {};

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  atlas.style = function (feature) { return feature.properties._s; };

  /* A DivIcon's HTML from the style's glyph, count or label (text, escaped here). */
  atlas.iconHtml = function (s) {
    if (s.label !== undefined) return escapeHtml(s.label);
    var html = '<span aria-hidden="true">' + escapeHtml(s.glyph || "") + "</span>";
    if (s.count) html += '<b class="pk-count">' + Number(s.count) + "</b>";
    return html;
  };

  atlas.point = function (kind) {
    return function (feature, latlng) {
      var s = feature.properties._s;
      if (kind === "div") {
        var icon = L.divIcon({html: atlas.iconHtml(s), className: s.className, iconSize: s.iconSize,
                              iconAnchor: s.iconAnchor});
        return L.marker(latlng, {icon: icon, interactive: s.interactive !== false, zIndexOffset: s.zIndexOffset || 0});
      }
      if (kind === "circle") return L.circle(latlng, s);
      return L.circleMarker(latlng, s);
    };
  };

  atlas.hatch = (function () {
    var cache = {};
    return function (key) {
      if (!(key in cache)) {
        var tile = document.createElement("canvas"), g = tile.getContext("2d");
        tile.width = tile.height = 8;
        g.strokeStyle = hatchColours[key] || "#999999";
        g.lineWidth = 2;
        g.beginPath();
        g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6);
        g.stroke();
        cache[key] = g.createPattern(tile, "repeat");
      }
      return cache[key];
    };
  })();

  /* Claimed or disputed zones are hatched (properties._h names the controller's colour). */
  atlas.each = function (feature, layer) {
    var h = feature.properties._h;
    if (h && layer instanceof L.Path && L.Browser.canvas) layer.setStyle({fillColor: atlas.hatch(h), fillOpacity: 0.85});
  };

  /* An element with a class, in ``parent``, holding ``text`` as text (never parsed as HTML); the date
   * control and the one-page atlas use it too. */
  function add(tag, cls, parent, text) {
    var el = L.DomUtil.create(tag, cls, parent);
    if (text !== undefined) el.textContent = text;
    return el;
  }
  atlas.element = add;

  /* A feature's popup (``x``: the feature, or its Leaflet layer). */
  atlas.popup = function (x) {
    var feature = x.feature || x, p = feature.properties._p, div = L.DomUtil.create("div", "atlas-popup");
    add("div", "pp-title", div, p.t);
    var table = add("table", "pp-facts", div);
    p.f.forEach(function (kv) {
      var tr = add("tr", "", table);
      add("th", "", tr, kv[0]);
      add("td", "", tr, kv[1]);
    });
    add("div", "pp-h", div, "Sources");
    if (!p.s.length) add("p", "pp-nosrc", div, "No source resolved.");
    var ol = add("ol", "pp-sources", div), shown = 5;
    if (p.s.length > shown + 1) {  // a long list (a page with every source): the rest behind a click
      var more = add("details", "pp-all", div);
      add("summary", "", more, "+ " + (p.s.length - shown) + " more sources");
      var rest = add("ol", "pp-sources", more);
      rest.start = shown + 1;
    }
    p.s.forEach(function (s, i) {
      var li = add("li", "", i < shown || !rest ? ol : rest);
      if (/^https?:/i.test(s[3])) {
        var a = add("a", "", li, s[0]);
        a.href = s[3]; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        add("span", "", li, s[0]);
      }
      var meta = [s[1], s[2]].filter(Boolean).join(", ");
      if (meta) li.appendChild(document.createTextNode(" \u2014 " + meta));
      if (s[4]) add("span", "pp-kind", li, " (" + s[4] + ")");
    });
    if (p.m > 0) add("p", "pp-more", div, "+ " + p.m + " more in the side panel");
    add("div", "pp-ref", div, "ref " + feature.id);
    return div;
  };

  // the top padding keeps an opened popup clear of the date tag (top centre, ~40 px), on a phone too
  var POPUP = {maxWidth: 360, autoPanPadding: [20, 20], autoPanPaddingTopLeft: [20, 56]};

  /* Open a feature's popup at ``latlng`` and tell the host (the app's side panel) which feature it is. */
  atlas.openFeature = function (map, feature, latlng) {
    L.popup(POPUP).setLatLng(latlng).setContent(atlas.popup(feature)).openOn(map);
    if (atlas.onSelect && feature.id) atlas.onSelect(feature);
  };

  function isPoint(layer) { return layer instanceof L.Marker || layer instanceof L.CircleMarker; }

  /* Every clickable point feature under a container point: markers whose box holds it, circle markers
   * within their radius; place labels hidden by the declutter are left out. Top-most first. */
  atlas.hitsAt = function (map, point) {
    var box = map.getContainer().getBoundingClientRect(), x = box.left + point.x, y = box.top + point.y;
    var hits = [], seen = {};
    map.eachLayer(function (l) {
      var f = l.feature;
      if (!f || !f.properties || !f.properties._p || seen[f.id] || !isPoint(l) || l.options.interactive === false) return;
      var hit = false;
      if (l instanceof L.Marker) {
        var el = l.getElement();
        if (!el || el.style.visibility === "hidden") return;
        var r = el.getBoundingClientRect();
        hit = r.width > 0 && x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1;
      } else if (!(l instanceof L.Circle)) {
        var c = map.latLngToContainerPoint(l.getLatLng());
        hit = c.distanceTo(point) <= l.getRadius() + (l.options.weight || 0) / 2 + 2;
      }
      if (hit) { seen[f.id] = true; hits.push({feature: f, layer: l}); }
    });
    return hits.reverse();
  };

  function choices(map, latlng, ul, features) {
    features.forEach(function (f) {
      var p = f.properties._p, date = (p.f[0] && p.f[0][0] === "Date") ? p.f[0][1].replace(/ \(precision.*$/, "") : "";
      var button = add("button", "pp-choice", add("li", "", ul), p.t + (date ? " \u00b7 " + date : ""));
      button.type = "button";
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.stop(e);
        atlas.openFeature(map, f, latlng);
      });
    });
  }

  /* A popup listing features to choose from (stacked markers, or the events of an area marker, then what
   * else is drawn at that point: ``also``). */
  atlas.chooser = function (map, latlng, head, features, also) {
    var div = L.DomUtil.create("div", "atlas-popup atlas-chooser");
    if (head) {
      add("div", "pp-title", div, head.t);
      var table = add("table", "pp-facts", div);
      head.f.forEach(function (kv) { var tr = add("tr", "", table); add("th", "", tr, kv[0]); add("td", "", tr, kv[1]); });
    } else {
      add("div", "pp-title", div, features.length + " features here: choose one");
    }
    choices(map, latlng, add("ul", "pp-choices", div), features);
    if (also && also.length) {
      add("div", "pp-h", div, "Also at this point");
      choices(map, latlng, add("ul", "pp-choices", div), also);
    }
    L.popup(POPUP).setLatLng(latlng).setContent(div).openOn(map);
  };

  /* A click on a drawn feature: its popup, or a chooser when it is an area marker or other points share
   * the spot (a capture under an incident, a post under a label, events under an area marker): each stays
   * reachable. */
  atlas.click = function (map, e) {
    var feature = e.layer && e.layer.feature;
    if (!feature) return;
    var point = e.containerPoint || map.latLngToContainerPoint(e.latlng);
    var latlng = isPoint(e.layer) ? e.layer.getLatLng() : e.latlng;
    var hits = isPoint(e.layer) ? atlas.hitsAt(map, point).map(function (h) { return h.feature; }) : [];
    if (hits.indexOf(feature) < 0) hits.unshift(feature);
    var areas = hits.filter(function (f) { return f.properties._items; });
    var others = hits.filter(function (f) { return !f.properties._items; });
    if (hits.length === 1 && !areas.length) {
      atlas.openFeature(map, feature, latlng);
    } else if (areas.length === 1) {
      atlas.chooser(map, latlng, areas[0].properties._p, areas[0].properties._items, others);
    } else if (!areas.length) {
      atlas.chooser(map, latlng, null, others);
    } else {  // several area markers at one point: every event of each, then the rest
      var items = [];
      areas.forEach(function (a) { items.push.apply(items, a.properties._items); });
      atlas.chooser(map, latlng, null, items.concat(others));
    }
  };

  /* One GeoJSON layer: spec = {features, kind, popup, interactive}. */
  atlas.layer = function (spec) {
    var options = {style: atlas.style, pointToLayer: atlas.point(spec.kind || "circlemarker"),
                   onEachFeature: atlas.each, interactive: spec.interactive !== false};
    if (spec.pane) options.pane = spec.pane;
    var layer = L.geoJson({type: "FeatureCollection", features: spec.features}, options);
    if (spec.popup !== false) {
      layer.on("click", function (e) {
        L.DomEvent.stop(e);
        atlas.click(layer._map, e);
      });
    }
    return layer;
  };

  /* A date-independent layer of the base map (land, borders, the mapped area); spec.pane/zIndex put it
   * under or over the tiles. */
  atlas.background = function (map, spec) {
    if (spec.pane && !map.getPane(spec.pane)) {
      var pane = map.createPane(spec.pane);
      pane.style.zIndex = spec.zIndex;
      pane.style.pointerEvents = "none";
    }
    return atlas.layer(spec).addTo(map);
  };

  /* Tiles that cannot load (offline, refused) are said so in the map, once, with what is shown instead. */
  atlas.watchTiles = function (map, options) {
    var notice = null;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      layer.on("tileerror", function () {
        if (notice) return;
        var control = L.control({position: "topright"});
        control.onAdd = function () {
          notice = L.DomUtil.create("div", "atlas-notice");
          notice.setAttribute("role", "status");
          notice.textContent = options.text;
          return notice;
        };
        control.addTo(map);
      });
    });
  };

  /* Leaflet focuses the map on the first mousedown (keyboard panning) and on a click on a control. In a
   * frame taller than the window that focus made the browser scroll the page to show the whole map, between
   * mousedown and click: the click landed ~150 px from where it was aimed. Focus never scrolls here. */
  atlas.focusWithoutScroll = function (map) {
    var el = map.getContainer();
    el.focus = function (options) {
      HTMLElement.prototype.focus.call(el, Object.assign({}, options, {preventScroll: true}));
    };
  };

  /* Page scroll is page scroll: a plain wheel over the map scrolls the page (a hint says how to zoom);
   * ctrl + wheel (⌘ + wheel, a trackpad pinch) zooms around the pointer. Applies when the map is part of a
   * page (the app's frame, or an export embedded in one); a map that is the whole window zooms on the wheel. */
  atlas.modifierWheel = function (map) {
    map.scrollWheelZoom.disable();
    var el = map.getContainer(), delta = 0, timer = null, hint = null, hide = null;
    el.addEventListener("wheel", function (e) {
      if (!(e.ctrlKey || e.metaKey)) {
        if (!hint) {
          hint = L.DomUtil.create("div", "atlas-hint", el);
          hint.setAttribute("role", "status");
          hint.textContent = "To zoom the map: ctrl + scroll (\u2318 + scroll on a Mac), the + / \u2212 buttons, " +
                             "or the + / \u2212 keys";
        }
        hint.style.display = "";
        clearTimeout(hide);
        hide = setTimeout(function () { hint.style.display = "none"; }, 1500);
        return;  // not prevented: the page scrolls
      }
      e.preventDefault();  // else the browser zooms the whole page
      var point = map.mouseEventToContainerPoint(e);
      delta += L.DomEvent.getWheelDelta(e);
      clearTimeout(timer);
      timer = setTimeout(function () {
        var steps = Math.max(-3, Math.min(3, Math.round(delta / 60) || (delta > 0 ? 1 : -1)));
        delta = 0;
        map.setZoomAround(point, map.getZoom() + steps);
      }, 40);
    }, {passive: false});
  };

  /* The date-independent furniture of a map: legend, attribution, hatch colours, focus and wheel. */
  atlas.support = function (map, options) {
    hatchColours = options.colours || {};
    atlas.focusWithoutScroll(map);
    if (window.self !== window.top) atlas.modifierWheel(map);
    var legend = L.control({position: "bottomright"});  // above the attribution; the scale bar keeps the left
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-legend");
      div.innerHTML = options.legend;  // static text built and escaped in Python (dashboard/map/markup.py)
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      /* open, at most 40 % of the map's height (with 60 % of its width: never a quarter of the map); the map,
         not the frame, which also holds the date control */
      var fit = function () { div.style.maxHeight = Math.floor(map.getSize().y * 0.4) + "px"; };
      fit();
      map.on("resize", fit);
      return div;
    };
    legend.addTo(map);
    map.on("popupopen", function (e) {  // on a narrow map (a phone) a popup keeps to the map's width:
      // its content may be the map's width less the popup's own margins (44 px) and the pan padding (2 x 20)
      var room = Math.max(160, map.getSize().x - 100), tall = Math.max(160, Math.floor(map.getSize().y * 0.6));
      var changed = false;
      if (room < 360 && e.popup.options.maxWidth !== room) { e.popup.options.maxWidth = room; changed = true; }
      // and to 60 % of its height, scrolling inside: a long list (a crowded point) ran past the map's bottom
      if (e.popup.options.maxHeight !== tall) { e.popup.options.maxHeight = tall; changed = true; }
      if (changed) e.popup.update();
    });
    map.attributionControl.addAttribution(options.attribution);
  };

  /* Place labels with every name form aboard (properties._n): drawn once per map, switched per date. */
  atlas.placeLabels = function (map, features) {
    var labels = atlas.layer({features: features, kind: "div"});
    map._atlasPlaceLabels = labels;
    map.on("zoomend", function () { atlas.declutter(map); });
    return labels;
  };

  atlas.setPlaceNames = function (map, mode, show) {
    var labels = map._atlasPlaceLabels;
    if (!labels) return;
    if (!show) { if (map.hasLayer(labels)) map.removeLayer(labels); return; }
    if (!map.hasLayer(labels)) map.addLayer(labels);
    var changed = false;
    labels.eachLayer(function (m) {
      var names = m.feature.properties._n, text = names[mode] || names.both, el = m.getElement();
      m.options.icon.options.html = escapeHtml(text);
      if (el && el.textContent !== text) { el.textContent = text; changed = true; }
    });
    if (changed || !map._atlasDecluttered) atlas.declutter(map);
  };

  /* Place labels never overprint: at each view, labels are placed by priority (cities, then towns, each in
   * the gazetteer's order) and one that would touch a label already placed is hidden until the zoom makes
   * room. Hidden labels cannot be clicked (their place keeps its popup on any other zoom). */
  atlas.declutter = function (map) {
    var labels = map._atlasPlaceLabels;
    if (!labels || !map.hasLayer(labels)) return;
    map._atlasDecluttered = true;
    var items = [];
    labels.eachLayer(function (m) {
      var el = m.getElement();
      if (!el) return;
      el.style.visibility = "";
      items.push({el: el, rank: /place-city/.test(el.className) ? 0 : 1, order: items.length});
    });
    items.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var boxes = items.map(function (it) { return it.el.getBoundingClientRect(); }), placed = [];
    items.forEach(function (it, i) {
      var r = boxes[i], clash = placed.some(function (p) {
        return r.left < p.right + 2 && p.left < r.right + 2 && r.top < p.bottom + 1 && p.top < r.bottom + 1;
      });
      if (clash) it.el.style.visibility = "hidden"; else placed.push(r);
    });
  };

  /* The first view: the atlas's bounds, at once (an animated zoom would leave layers added meanwhile
   * projected for the old zoom until it ends). */
  atlas.fit = function (map, bounds) { map.fitBounds(bounds, {animate: false}); };

  /* The date tag in the map's top centre: added last, so when it shows a date every layer of it is drawn. */
  atlas.dateTag = function (day, text) {
    return new (L.Layer.extend({
      onAdd: function (map) {
        this._div = L.DomUtil.create("div", "datetag", map.getContainer());
        this._div.setAttribute("role", "status");
        this._div.setAttribute("data-date", day);
        this._div.textContent = text;
      },
      onRemove: function () { L.DomUtil.remove(this._div); }
    }))();
  };

  /* A date's layers (what dashboard/map/layers.py sends): replaces the ones drawn before on ``map``. */
  atlas.drawDate = function (map, view) {
    if (map._atlasDateLayers) map.closePopup();  // its feature goes with the date it was drawn for
    (map._atlasDateLayers || []).forEach(function (layer) { map.removeLayer(layer); });
    var drawn = view.layers.map(function (spec) { return atlas.layer(spec).addTo(map); });
    atlas.setPlaceNames(map, view.names.mode, view.names.show);
    drawn.push(atlas.dateTag(view.day, view.text).addTo(map));
    map._atlasDateLayers = drawn;
  };

  window.atlas = atlas;
})();

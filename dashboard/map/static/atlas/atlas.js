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
        return L.marker(latlng, {icon: icon, interactive: s.interactive !== false});
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

  atlas.popup = function (layer) {
    var p = layer.feature.properties._p, div = L.DomUtil.create("div", "atlas-popup");
    var add = function (tag, cls, parent, text) {
      var el = L.DomUtil.create(tag, cls, parent);
      if (text !== undefined) el.textContent = text;
      return el;
    };
    add("div", "pp-title", div, p.t);
    var table = add("table", "pp-facts", div);
    p.f.forEach(function (kv) {
      var tr = add("tr", "", table);
      add("th", "", tr, kv[0]);
      add("td", "", tr, kv[1]);
    });
    add("div", "pp-h", div, "Sources");
    if (!p.s.length) add("p", "pp-nosrc", div, "No source resolved.");
    var ol = add("ol", "pp-sources", div);
    p.s.forEach(function (s) {
      var li = add("li", "", ol);
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
    add("div", "pp-ref", div, "ref " + layer.feature.id);
    return div;
  };

  /* One GeoJSON layer: spec = {features, kind, popup, interactive}. */
  atlas.layer = function (spec) {
    var layer = L.geoJson({type: "FeatureCollection", features: spec.features}, {
      style: atlas.style, pointToLayer: atlas.point(spec.kind || "circlemarker"), onEachFeature: atlas.each,
      interactive: spec.interactive !== false
    });
    if (spec.popup !== false) {
      layer.bindPopup(atlas.popup, {maxWidth: 360, autoPanPadding: [20, 20]});
      layer.on("click", function (e) { if (atlas.onSelect && e.layer.feature) atlas.onSelect(e.layer.feature); });
    }
    return layer;
  };

  /* A date-independent layer of the base map (land, borders, the mapped area). */
  atlas.background = function (map, spec) { return atlas.layer(spec).addTo(map); };

  /* The date-independent furniture of a map: legend, attribution, hatch colours. */
  atlas.support = function (map, options) {
    hatchColours = options.colours || {};
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-legend");
      div.innerHTML = options.legend;  // static text built and escaped in Python (dashboard/map/markup.py)
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    map.on("popupopen", function (e) {  // on a narrow map (a phone) a popup keeps to the map's width
      var room = map.getSize().x - 90;  // the popup's frame (~46 px) and the pan padding (2 x 20 px) around it
      if (room < 360 && e.popup.options.maxWidth !== Math.max(160, room)) {
        e.popup.options.maxWidth = Math.max(160, room);
        e.popup.update();
      }
    });
    map.attributionControl.addAttribution(options.attribution);
  };

  /* Place labels with every name form aboard (properties._n): drawn once per map, switched per date. */
  atlas.placeLabels = function (map, features) {
    var labels = atlas.layer({features: features, kind: "div"});
    map._atlasPlaceLabels = labels;
    return labels;
  };

  atlas.setPlaceNames = function (map, mode, show) {
    var labels = map._atlasPlaceLabels;
    if (!labels) return;
    if (!show) { if (map.hasLayer(labels)) map.removeLayer(labels); return; }
    if (!map.hasLayer(labels)) map.addLayer(labels);
    labels.eachLayer(function (m) {
      var names = m.feature.properties._n, text = names[mode] || names.both, el = m.getElement();
      m.options.icon.options.html = escapeHtml(text);
      if (el && el.textContent !== text) el.textContent = text;
    });
  };

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
    (map._atlasDateLayers || []).forEach(function (layer) { map.removeLayer(layer); });
    var drawn = view.layers.map(function (spec) { return atlas.layer(spec).addTo(map); });
    atlas.setPlaceNames(map, view.names.mode, view.names.show);
    drawn.push(atlas.dateTag(view.day, view.text).addTo(map));
    map._atlasDateLayers = drawn;
  };

  window.atlas = atlas;
})();

/* Karabakh Conflict Atlas: the map as a Streamlit component (components v1 message protocol).
 *
 * Python (dashboard/ui/mapcomponent.py) sends the base map once per atlas and basemap (its script, built by
 * folium, and the files it needs). Then either
 *  - a history (every version of every dated feature, dashboard/map/history.py), sent once per layer and
 *    filter set: the time engine (engine.js) and its date control (control.js) change the date here, with no
 *    round trip; each run sends only the date (with a sequence number that changes when Streamlit set it)
 *    and the event window; or
 *  - one date's layers as data (compare mode), swapped with atlas.drawDate.
 * The base map and the history are sent while the value does not say this frame holds them (``has``): a new
 * frame reports an empty ``has`` and gets them again. Clicks, the map's view and the date go back to
 * Python as {selected, center, zoom, date, has}, once the map and the date have been still for 250 ms.
 */
(function () {
  "use strict";
  var map = null, baseKey = null, historyKey = null, lastDate = null, lastView = null, lastSeq = null;
  var engine = null, control = null, pending = null, sent = null;
  var current = {selected: null, center: null, zoom: null, date: null, has: {base: null, history: null}};
  var SETTLE_MS = 250;

  function post(type, data) {
    var msg = Object.assign({isStreamlitMessage: true, type: type}, data || {});
    window.parent.postMessage(msg, "*");
  }

  function load(urls, make) {
    return urls.reduce(function (ready, url) {
      return ready.then(function () {
        return new Promise(function (resolve, reject) {
          var el = make(url);
          el.onload = resolve;
          el.onerror = function () { reject(new Error("could not load " + url)); };
          document.head.appendChild(el);
        });
      });
    }, Promise.resolve());
  }

  function script(url) { var el = document.createElement("script"); el.src = url; el.async = false; return el; }
  function stylesheet(url) { var el = document.createElement("link"); el.rel = "stylesheet"; el.href = url; return el; }

  /* What Python hears, once the map and the date have been still for SETTLE_MS (``now``: at once); the view
   only once the user (or Python) moved the map. */
  function report(now, moved) {
    if (map && moved) {
      var c = map.getCenter();
      current.center = {lat: c.lat, lng: c.lng};
      current.zoom = map.getZoom();
    }
    if (engine) current.date = engine.date();
    clearTimeout(pending);
    var send = function () {
      var text = JSON.stringify(current);
      if (text === sent) return;
      sent = text;
      post("streamlit:setComponentValue", {value: JSON.parse(text), dataType: "json"});
    };
    if (now) send(); else pending = setTimeout(send, SETTLE_MS);
  }

  function drawBase(args) {
    var old = document.getElementById("map");
    var frame = document.createElement("div"), box = document.createElement("div"), host = document.createElement("div");
    frame.className = "atlas-frame";
    box.className = "atlas-mapbox";
    host.innerHTML = args.base.html;
    box.appendChild(host.firstElementChild || host);
    frame.appendChild(box);
    old.replaceWith(frame);
    var style = document.createElement("style");
    style.textContent = args.base.style;
    document.head.appendChild(style);
    return Promise.all([load(args.base.css, stylesheet), load(args.base.js, script)]).then(function () {
      /* Leaflet focuses the map on mousedown and then restores this frame's scroll, not the app page's: the
         page scrolled to show the whole frame between press and release, and a tap on a phone missed. */
      L.Map.Keyboard.prototype._onMouseDown = function () {
        if (!this._focused) this._map._container.focus({preventScroll: true});
      };
      var el = document.createElement("script");
      el.textContent = args.base.script;
      document.body.appendChild(el);
      map = window[args.base.map];
      window.map = map;  // a stable name for tests and tools (folium's variable name is random)
      atlas.onSelect = function (feature) { current.selected = String(feature.id); report(); };
      map.on("moveend", function () { report(false, true); });
      baseKey = args.base.key;
      current.has.base = baseKey;
    });
  }

  function drawHistory(args) {
    var history = JSON.parse(args.history);
    if (engine) {
      engine.load(history);
      control.reset();
    } else {
      engine = atlas.engine(map, history, {day: args.day, window: args.window});
      control = atlas.timeControl(engine, document.querySelector(".atlas-frame"), {});
      map.invalidateSize({animate: false});  // the map lost the bar's height: no animated pan after it
      engine.onDate(function (day, source) { if (source !== "streamlit") report(); });
    }
    historyKey = history.key;
    current.has.history = historyKey;
  }

  function render(args) {
    post("streamlit:setFrameHeight", {height: args.height});
    if (!args.base && baseKey !== args.base_key) {  // Python thinks this frame has the base map: it has not
      current.has = {base: null, history: null};
      report(true);
      return;
    }
    var ready = baseKey === (args.base ? args.base.key : args.base_key) ? Promise.resolve() : drawBase(args);
    ready.then(function () {
      if (args.history_key) {
        if (args.history && args.history_key !== historyKey) drawHistory(args);
        if (args.history_key !== historyKey) {  // not sent, not held: ask for it
          current.has.history = null;
          report(true);
          return;
        }
        engine.setWindow(args.window);
        if (args.day_seq !== lastSeq) {
          lastSeq = args.day_seq;
          engine.setDate(args.day, "streamlit");
          current.date = engine.date();
        }
        if (sent === null) report(true);  // tell Python what this frame holds, so it stops sending it
      } else if (args.date && args.date_key !== lastDate) {
        atlas.drawDate(map, JSON.parse(args.date));
        lastDate = args.date_key;
      }
      var view = args.view ? JSON.stringify(args.view) : null;
      if (view && view !== lastView) {
        lastView = view;
        map.setView([args.view.lat, args.view.lng], args.view.zoom, {animate: false});  // a link or a place: go there
      }
    }).catch(function (err) {
      document.body.textContent = "The map could not be drawn: " + err.message;
    });
  }

  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") render(event.data.args);
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();

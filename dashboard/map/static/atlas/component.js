/* Karabakh Conflict Atlas: the map as a Streamlit component (components v1 message protocol).
 *
 * Python (dashboard/ui/mapcomponent.py) sends the base map once per atlas and basemap (its script, built
 * by folium, and the files it needs) and, on every run, the date's layers as data. The base map is drawn
 * once; a new date only swaps the date layers (atlas.drawDate). Clicks and the map's view go back to
 * Python as {selected, center, zoom}, debounced.
 */
(function () {
  "use strict";
  var map = null, baseKey = null, lastDate = null, lastView = null, pending = null, sent = null;
  var current = {selected: null, center: null, zoom: null};

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

  /* What Python hears: the selected feature and the view, sent once the map has been still for 250 ms. */
  function report(selected) {
    if (selected !== undefined) current.selected = selected;
    var c = map.getCenter();
    current.center = {lat: c.lat, lng: c.lng};
    current.zoom = map.getZoom();
    clearTimeout(pending);
    pending = setTimeout(function () {
      var text = JSON.stringify(current);
      if (text === sent) return;
      sent = text;
      post("streamlit:setComponentValue", {value: JSON.parse(text), dataType: "json"});
    }, 250);
  }

  function drawBase(args) {
    var old = document.getElementById("map");
    var host = document.createElement("div");
    host.innerHTML = args.base.html;
    old.replaceWith(host.firstElementChild || host);
    var style = document.createElement("style");
    style.textContent = args.base.style;
    document.head.appendChild(style);
    return Promise.all([load(args.base.css, stylesheet), load(args.base.js, script)]).then(function () {
      var el = document.createElement("script");
      el.textContent = args.base.script;
      document.body.appendChild(el);
      map = window[args.base.map];
      window.map = map;  // a stable name for tests and tools (folium's variable name is random)
      atlas.onSelect = function (feature) { report(String(feature.id)); };
      map.on("moveend", function () { report(); });
      baseKey = args.base.key;
    });
  }

  function render(args) {
    var ready = baseKey === args.base.key ? Promise.resolve() : drawBase(args);
    ready.then(function () {
      if (args.date && args.date_key !== lastDate) {
        atlas.drawDate(map, JSON.parse(args.date));
        lastDate = args.date_key;
      }
      var view = args.view ? JSON.stringify(args.view) : null;
      if (view && view !== lastView) {
        lastView = view;
        map.setView([args.view.lat, args.view.lng], args.view.zoom);
      }
    }).catch(function (err) {
      document.body.textContent = "The map could not be drawn: " + err.message;
    });
    post("streamlit:setFrameHeight", {height: args.height});
  }

  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") render(event.data.args);
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();

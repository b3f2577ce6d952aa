/* Karabakh Conflict Atlas: the whole atlas as one page (python -m dashboard export-site). The folium map,
 * the time engine with its date control above it, and a panel of layer toggles, the place-name form and the
 * event window. The page opens at the date in its address (#date=YYYY-MM-DD), else at the one it was
 * exported for, and keeps the address on the date shown, so a link shares the view.
 */
(function () {
  "use strict";

  function hashDate() {
    var m = /(?:^#|&)date=(\d{4}-\d{2}-\d{2})/.exec(window.location.hash);
    return m && atlas.days.valid(m[1]) ? m[1] : null;
  }

  var el = atlas.element;  // atlas.js: one way to make an element with text

  /* An event window from its key: a number of days, "since-YYYY-MM-DD" or "all". */
  function eventWindow(key) {
    if (key === "all") return {};
    if (key.indexOf("since-") === 0) return {since: key.slice(6)};
    return {lastDays: Number(key)};
  }

  /* The panel of toggles, names and window: a Leaflet control in the top right corner. */
  function settings(map, engine, spec) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var box = el("details", "atlas-settings");
      box.open = window.innerWidth > 560;
      el("summary", "", box, "Layers");
      var form = el("form", "", box);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      spec.toggles.forEach(function (t) {
        var label = el("label", "st-row", form), box2 = el("input", "", label);
        box2.type = "checkbox";
        box2.checked = true;
        box2.name = t[0];
        label.appendChild(document.createTextNode(" " + t[1]));
        box2.addEventListener("change", function () { engine.show(t[2], box2.checked); });
      });
      var names = el("fieldset", "", form);
      el("legend", "", names, "Place names");
      spec.names.forEach(function (n) {
        var label = el("label", "st-row", names), radio = el("input", "", label);
        radio.type = "radio";
        radio.name = "names";
        radio.value = n[0];
        radio.checked = n[0] === engine.history.names.mode;
        label.appendChild(document.createTextNode(" " + n[1]));
        radio.addEventListener("change", function () { if (radio.checked) engine.setNames(n[0]); });
      });
      var label = el("label", "st-row", form);
      label.appendChild(document.createTextNode("Events shown "));
      var windows = el("select", "", label);
      spec.windows.forEach(function (w) {
        var opt = el("option", "", windows, w[1]);
        opt.value = w[0];
      });
      windows.value = spec.window;
      windows.addEventListener("change", function () { engine.setWindow(eventWindow(windows.value)); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  atlas.site = function (map, spec) {
    var container = map.getContainer(), frame = el("div", "atlas-frame"), box = el("div", "atlas-mapbox", frame);
    container.parentNode.insertBefore(frame, container);
    box.appendChild(container);
    var engine = atlas.engine(map, spec.history, {day: hashDate() || spec.day, window: eventWindow(spec.window)});
    var control = atlas.timeControl(engine, frame, {keyDates: true});
    settings(map, engine, spec);
    map.invalidateSize({animate: false});  // the map lost the bar's height: no animated pan after it
    var pending = null;
    engine.onDate(function (day) {
      clearTimeout(pending);
      pending = setTimeout(function () {
        if (hashDate() !== day) history.replaceState(null, "", "#date=" + day);
      }, 250);
    });
    window.addEventListener("hashchange", function () {
      var day = hashDate();
      if (day && day !== engine.date()) engine.setDate(day, "hash");
    });
    window.atlasControl = control;
    window.map = map;  // a stable name for tests and tools, as in the app's component
    return engine;
  };
})();

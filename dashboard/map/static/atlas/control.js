/* Karabakh Conflict Atlas: the date control above the map. It drives the time engine (engine.js) directly:
 * dragging redraws on every input event, the keyboard steps (arrows a day, Page Up / Page Down a month,
 * Home / End the ends), buttons jump to the previous / next change, and play advances by a day, a week,
 * a month or to the next change at an adjustable number of steps per second. The slider announces the date
 * to screen readers (aria-valuetext "10 November 2020"). It sits above the map, in the map's own frame.
 *
 * The slider's positions are days, but a stretch of more than QUIET_DAYS without a change (1994 to 2020 in
 * the bundled atlas) gets at most QUIET_POSITIONS of them: otherwise those years take most of the track and
 * a pixel is weeks. Every change day is a position; the keys and play still move by single days.
 */
(function () {
  "use strict";
  var STEPS = [["1", "1 day"], ["7", "1 week"], ["month", "1 month"], ["change", "Next change"]];
  var SPEEDS = [1, 2, 5, 10, 20, 30, 60];
  var DEFAULT_SPEED = 20;
  var QUIET_DAYS = 365, QUIET_POSITIONS = 40;

  /* The days the slider's positions stand for, ascending: every day, but sparse across quiet stretches. */
  function positions(engine) {
    var marks = [engine.first].concat(engine.changes.filter(function (d) {
      return d > engine.first && d < engine.last; }), [engine.last]);
    var days = [];
    for (var k = 0; k + 1 < marks.length; k++) {
      var gap = marks[k + 1] - marks[k], step = gap > QUIET_DAYS ? Math.ceil(gap / QUIET_POSITIONS) : 1;
      for (var d = marks[k]; d < marks[k + 1]; d += step) days.push(d);
    }
    days.push(engine.last);
    return days;
  }

  /* The last position whose day is on or before ``day``. */
  function positionOf(days, day) {
    var lo = 0, hi = days.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (days[mid] <= day) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  var el = atlas.element;  // atlas.js: one way to make an element with text

  function select(parent, label, options, value) {
    var name = label.toLowerCase().replace(/\W+/g, "-");
    var wrap = el("label", "tc-field tc-field-" + name, parent);
    el("span", "tc-label", wrap, label);
    var sel = el("select", "", wrap);
    options.forEach(function (o) {
      var opt = el("option", "", sel, o[1]);
      opt.value = o[0];
    });
    if (value !== undefined) sel.value = value;
    return sel;
  }

  /* The day ``n`` moved by ``months`` calendar months (the day of the month kept where it exists). */
  function addMonths(n, months) {
    var d = new Date(n * 864e5), y = d.getUTCFullYear(), m = d.getUTCMonth() + months, day = d.getUTCDate();
    var last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return Math.round(Date.UTC(y, m, Math.min(day, last)) / 864e5);
  }

  function Control(engine, host, options) {
    var self = this;
    this.engine = engine;
    this.options = options || {};
    this.playing = false;
    var bar = this.bar = el("div", "atlas-timebar");
    host.insertBefore(bar, host.firstChild);  // above the map: on a phone it is on the first screen
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Date controls");
    var buttons = el("div", "tc-buttons", bar);
    this.prev = el("button", "tc-prev", buttons, "\u25C0 Change");
    this.play = el("button", "tc-play", buttons, "\u25B6 Play");
    this.next = el("button", "tc-next", buttons, "Change \u25B6");
    [this.prev, this.play, this.next].forEach(function (b) { b.type = "button"; });
    this.play.setAttribute("aria-pressed", "false");
    var track = el("div", "tc-track", bar);
    this.slider = el("input", "tc-slider", track);
    this.slider.type = "range";
    this.slider.step = "1";
    this.slider.setAttribute("aria-label", "Date");
    this.slider.title = "Arrow keys: a day; Page Up / Page Down: a month; Home / End: the ends";
    this.label = el("span", "tc-date", track);
    this.label.setAttribute("aria-hidden", "true");
    var settings = el("div", "tc-settings", bar);
    this.step = select(settings, "Step", STEPS, this.options.step || "1");
    this.speed = select(settings, "Speed", SPEEDS.map(function (s) { return [String(s), s + "/s"]; }),
                        String(this.options.speed || DEFAULT_SPEED));
    this.speed.title = "Steps per second while playing";
    if (this.options.keyDates) {
      this.keyDates = select(settings, "Key date", [["", "Jump to a key date\u2026"]], "");
      this.fillKeyDates();
      this.keyDates.addEventListener("change", function () {
        if (self.keyDates.value) self.go(atlas.days.number(self.keyDates.value), "key");
        self.keyDates.value = "";
      });
    }

    this.slider.addEventListener("input", function () { self.go(self.days[+self.slider.value], "drag"); });
    this.slider.addEventListener("keydown", function (e) { self.key(e); });
    this.prev.addEventListener("click", function () { self.go(engine.previousChange(), "change"); });
    this.next.addEventListener("click", function () { self.go(engine.nextChange(), "change"); });
    this.play.addEventListener("click", function () { self.toggle(); });
    engine.onDate(function () { self.sync(); });
    this.reset();
  }

  /* Take the engine's range and date (a new history may bring a new range). */
  Control.prototype.reset = function () {
    this.days = positions(this.engine);
    this.slider.min = "0";
    this.slider.max = String(this.days.length - 1);
    if (this.keyDates) this.fillKeyDates();
    this.sync();
  };

  Control.prototype.fillKeyDates = function () {
    var sel = this.keyDates;
    while (sel.options.length > 1) sel.remove(1);
    (this.engine.history.keyDates || []).forEach(function (k) {
      var opt = el("option", "", sel, k[0] + ": " + k[1]);
      opt.value = k[0];
    });
  };

  /* Show the engine's date on the slider, its label and the buttons. */
  Control.prototype.sync = function () {
    var e = this.engine, n = e.dateNumber();
    var at = positionOf(this.days, n);
    if (+this.slider.value !== at) this.slider.value = String(at);
    var text = atlas.days.longText(n);
    this.slider.setAttribute("aria-valuetext", text);
    this.label.textContent = text;
    var prev = e.previousChange(), next = e.nextChange();
    this.prev.disabled = prev === null;
    this.next.disabled = next === null;
    this.prev.title = "Previous change" + (prev === null ? "" : " (" + atlas.days.iso(prev) + ")");
    this.next.title = "Next change" + (next === null ? "" : " (" + atlas.days.iso(next) + ")");
  };

  Control.prototype.go = function (n, source) {
    if (n === null || n === undefined || isNaN(n)) return;
    this.engine.setDate(n, source);
  };

  Control.prototype.key = function (e) {
    var n = this.engine.dateNumber(), to = null;
    switch (e.key) {
      case "ArrowRight": case "ArrowUp": to = n + 1; break;
      case "ArrowLeft": case "ArrowDown": to = n - 1; break;
      case "PageUp": to = addMonths(n, 1); break;
      case "PageDown": to = addMonths(n, -1); break;
      case "Home": to = this.engine.first; break;
      case "End": to = this.engine.last; break;
      default: return;
    }
    e.preventDefault();  // the range input's own step is not ours (Page keys move a tenth of the range)
    this.go(to, "key");
  };

  /* The day one play step after ``n`` (null past the end). */
  Control.prototype.after = function (n) {
    var step = this.step.value, e = this.engine, to;
    if (step === "change") to = e.nextChange();
    else if (step === "month") to = addMonths(n, 1);
    else to = n + Number(step);
    if (to === null || n >= e.last) return null;
    return Math.min(to, e.last);
  };

  Control.prototype.toggle = function () { if (this.playing) this.stop(); else this.start(); };

  Control.prototype.start = function () {
    var self = this;
    if (this.engine.dateNumber() >= this.engine.last) this.go(this.engine.first, "play");
    this.playing = true;
    this.play.textContent = "\u23F8 Pause";
    this.play.setAttribute("aria-pressed", "true");
    var due = performance.now();
    var tick = function (now) {
      if (!self.playing) return;
      if (now >= due) {
        var to = self.after(self.engine.dateNumber());
        if (to === null) { self.stop(); return; }
        self.go(to, "play");
        var interval = 1000 / Number(self.speed.value);
        due = Math.max(due + interval, now + interval - 1000 / 60);  // late frames do not bunch up steps
      }
      self.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  };

  Control.prototype.stop = function () {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.play.textContent = "\u25B6 Play";
    this.play.setAttribute("aria-pressed", "false");
    this.engine.listeners.forEach(function (fn) { fn(this.engine.date(), "stop"); }, this);
  };

  atlas.timeControl = function (engine, host, options) { return new Control(engine, host, options); };
})();

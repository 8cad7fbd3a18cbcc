/*
 * .boot0, part 3: pins. Outputs print @@P<pin> <value> <ms> on every write (the driver keeps the
 * timeline, so it costs the pool nothing); digitalPulse prints @@U<pin> <value> <ms> <durations>.
 * Inputs: H.b(pin, level) drives a level; setWatch reports it with Espruino's debounce rule (once
 * the pin has been stable for `debounce` ms, if it differs from the last reported level, with
 * `time` = the last edge and `lastTime` = the previous report), filtered by `edge`.
 */
var level = {};
var watches = {};
var wid = 0;

global.digitalWrite = global.analogWrite = function (p, v) {
  print("@@P" + p + " " + +v + " " + now());
  sample();
};
global.digitalPulse = function (p, v, ms) {
  print("@@U" + p + " " + (v ? 1 : 0) + " " + now() + " " + ms);
};
global.digitalRead = function (p) {
  return level[p] | 0;
};

global.setWatch = function (f, p, o) {
  o = o || {};
  watches[++wid] = { f: f, p: p, e: o.edge, d: o.debounce > 0 ? o.debounce : 0, r: o.repeat, s: level[p] | 0, g: 0 };
  return wid;
};
global.clearWatch = function (id) {
  if (!arguments.length) watches = {};
  else if (id === undefined) throw new Error("clearWatch(undefined) not allowed. Use clearWatch() instead");
  else if (!watches[id]) throw new Error("Unknown Watch " + id);
  else delete watches[id];
};

/** Reports watch k's pin at `at` (s) if no newer edge came (generation g) and it changed. */
var report = function (k, g, at) {
  var w = watches[k];
  var s = level[w ? w.p : 0] | 0;
  if (!w || w.g !== g || s === w.s) return;
  var e = w.e === "rising" || w.e === 1 ? 1 : w.e === "falling" || w.e === -1 ? 0 : -1;
  var last = w.l;
  w.s = s;
  w.l = at;
  if (!w.r) delete watches[k];
  if (e < 0 || e === s) call(w.f, { state: !!s, time: at, lastTime: last });
};

H.b = function (p, v) {
  level[p] = v;
  var at = getTime();
  for (var k in watches) {
    var w = watches[k];
    if (w.p !== p) continue;
    w.g++;
    if (w.d) setTimeout(report.bind(null, k, w.g, at), w.d);
    else report(k, w.g, at);
  }
};

/*
 * .boot0, part 2: time. `getTime`/`setTime` always (the Linux build's setTime does nothing).
 * With O.driven, a clock the driver advances: setTimeout/setInterval/clear… keep timers in `tm`
 * (id → [fn, due ms, period ms or 0]) and H.a(ms) runs the due ones in order of due time, then of
 * arming, setting the clock to each one's due time first, as the virtual device does; H.k and H.u
 * advance until enough notifications of a kind went out (a request and its reply in one command).
 * Without O.driven the interpreter's own timers run in real time.
 */
var realTime = getTime;
var t0 = realTime();
var T = 0;
var off = 0;

/** Milliseconds since boot: the driven clock, or real time. */
var now = function () {
  return O.driven ? T : (realTime() - t0) * 1000;
};

global.getTime = function () {
  return now() / 1000 + off;
};

global.setTime = function (s) {
  off = s - now() / 1000;
};

if (O.driven) {
  var tm = {};
  var tid = 0;
  global.setTimeout = function (f, ms) {
    ms = ms > 0 ? +ms : 0;
    tm[++tid] = [f, T + ms, 0];
    return tid;
  };
  global.setInterval = function (f, ms) {
    var id = setTimeout(f, ms);
    tm[id][2] = Math.max(tm[id][1] - T, 1);
    return id;
  };
  // as 2v29: no argument clears every timer, `undefined` throws, an unknown id is ignored
  global.clearTimeout = global.clearInterval = function (id) {
    if (!arguments.length) tm = {};
    else if (id === undefined) throw new Error("clearTimeout(undefined) not allowed. Use clearTimeout() instead");
    else delete tm[id];
  };

  /** Runs the timers due within `ms`: the earliest due first, then the first armed. */
  H.a = function (ms) {
    var end = T + ms;
    for (;;) {
      var b = 0;
      for (var k in tm) if (tm[k][1] <= end && (!b || tm[k][1] < tm[b][1])) b = k;
      if (!b) break;
      var t = tm[b];
      if (t[1] > T) T = t[1];
      if (t[2]) t[1] += t[2];
      else delete tm[b];
      call(t[0]);
    }
    T = end;
  };

  /** From now on, count the notifications p with (p[0] & m) === v (H.u waits for them). */
  H.k = function (m, v) {
    mask = m;
    value = v;
    matched = 0;
  };

  /** Advances `step` ms at a time, `max` ms at most, until `n` notifications counted since H.k went out. */
  H.u = function (max, step, n) {
    var end = T + max;
    while (matched < n && T < end) H.a(Math.min(step, end - T));
    mask = 0;
    value = 1;
    print("@@T" + T);
  };
}

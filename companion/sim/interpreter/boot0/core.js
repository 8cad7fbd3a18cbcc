/*
 * .boot0, part 1 of 6: the harness's own global (`__h`, what the driver's command lines call),
 * its marker lines, and the memory probe. The parts are concatenated inside one function by
 * ../boot0.ts, after `var O = {…}` (the harness options); Espruino does not hoist function
 * declarations, so every part declares before it uses. Every function here costs the pool about
 * 7 variables (the harness's own use is measured and subtracted), so there are few of them.
 *
 * Marker lines (stdout, one each): @@D a command is done, @@E<text> an uncaught firmware exception,
 * @@M<usage> <peak> <total> memory, @@T<ms> the driven clock, and pins.js's and nrf.js's.
 * Memory: `peak` is the highest GC'd process.memory().usage seen at a sample (every firmware
 * callback the harness runs, every notification, every pin write); H.m(1) reads and resets it.
 */
var H = {};
global.__h = H;
var peak = 0;
/** H.k's pattern: notifications p with (p[0] & mask) === value, and how many went out since. */
var mask = 0;
var value = 1;
var matched = 0;

var sample = function () {
  var u = process.memory().usage;
  if (u > peak) peak = u;
};

/** Runs a firmware callback as the idle loop would: its exception is printed, never thrown on. */
var call = function (f, a) {
  try {
    f(a);
  } catch (e) {
    print("@@E" + e);
  }
  sample();
};

H.m = function (reset) {
  sample();
  print("@@M" + process.memory().usage + " " + peak + " " + process.memory().total);
  if (reset) peak = 0;
};

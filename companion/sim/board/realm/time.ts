/**
 * Time as the firmware sees it: `getTime()`/`setTime()`, and Espruino's `Date`, which follows
 * getTime() (not the host's clock) and takes local time from E.setTimeZone (not the host's zone).
 */
import vm from "node:vm";
import type { GlobalsKit } from "./api.js";

export interface DateHooks {
  /** Device time in ms (getTime() * 1000). */
  nowMs(): number;
  /** Time zone offset in ms. */
  tzMs(): number;
}

/** Espruino's Date: local time = UTC + the E.setTimeZone offset. */
const DATE = String.raw`(function (hooks) {
  "use strict";
  function def(owner, name, fn) {
    Object.defineProperty(owner, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  var RealDate = Date, realGetTime = RealDate.prototype.getTime, realSetTime = RealDate.prototype.setTime;
  var isoLocal = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;
  function parse(s) {
    s = String(s);
    if (isoLocal.test(s)) return RealDate.parse(s + "Z") - hooks.tzMs();
    return RealDate.parse(s);
  }
  function SimDate(a, b, c, d, e, f, g) {
    if (!(this instanceof SimDate)) return new SimDate().toString();
    var n = arguments.length, t;
    if (n === 0) t = hooks.nowMs();
    else if (n === 1) t = (a !== null && typeof a === "object" && typeof a.getTime === "function") ? a.getTime()
      : (typeof a === "string" ? parse(a) : Number(a));
    else t = RealDate.UTC(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0) - hooks.tzMs();
    var o = new RealDate(t);
    Object.setPrototypeOf(o, SimDate.prototype);
    return o;
  }
  SimDate.prototype = Object.create(RealDate.prototype);
  def(SimDate.prototype, "constructor", SimDate);
  SimDate.now = function () { return hooks.nowMs(); };
  SimDate.parse = parse;
  ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds", "Milliseconds"].forEach(function (k) {
    var getUTC = RealDate.prototype["getUTC" + k];
    def(SimDate.prototype, "get" + k, function () { return getUTC.call(new RealDate(realGetTime.call(this) + hooks.tzMs())); });
    if (k !== "Day") {
      var setUTC = RealDate.prototype["setUTC" + k];
      def(SimDate.prototype, "set" + k, function () {
        var tz = hooks.tzMs(), d = new RealDate(realGetTime.call(this) + tz);
        setUTC.apply(d, arguments);
        return realSetTime.call(this, realGetTime.call(d) - tz);
      });
    }
  });
  def(SimDate.prototype, "getTimezoneOffset", function () { return -hooks.tzMs() / 60000; });
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function p2(n) { return (n < 10 ? "0" : "") + n; }
  def(SimDate.prototype, "toString", function () {
    var tz = hooks.tzMs() / 60000, sign = tz < 0 ? "-" : "+", atz = Math.abs(tz);
    return DAYS[this.getDay()] + " " + MONTHS[this.getMonth()] + " " + this.getDate() + " " + this.getFullYear() + " " +
      p2(this.getHours()) + ":" + p2(this.getMinutes()) + ":" + p2(this.getSeconds()) +
      " GMT" + sign + p2(Math.floor(atz / 60)) + p2(atz % 60);
  });
  globalThis.Date = SimDate;
})`;

/** Replace the context's Date with Espruino's (before Date.UTC is removed: it captures it). */
export function installDate(context: vm.Context, hooks: DateHooks): void {
  (vm.runInContext(DATE, context) as (h: DateHooks) => void)(hooks);
}

/** The `getTime` and `setTime` globals. */
export function timeApi({ host, api }: GlobalsKit) {
  return {
    getTime: api("getTime", () => host.getTime()),
    setTime: api("setTime", (s: unknown) => host.setTime(Number(s))),
  };
}

/**
 * Espruino's events: every object is an emitter (`Object.prototype.on/emit` & co) and `emit`
 * is queued, not run at once. Installed in the context before the bundle runs.
 */
import vm from "node:vm";

export interface EventHooks {
  /** An `obj.emit(...)` from the firmware: queue `fire` in the device's event loop. */
  emit(target: object, event: string, args: unknown[]): void;
  /** Run one listener (through the device, which records its exceptions). */
  call(fn: unknown, thisArg: unknown, args: unknown[]): void;
}

/** Run the listeners of `event` on a firmware object now. */
export type Fire = (target: object, event: string, args: unknown[]) => void;

const EVENTS = String.raw`(function (hooks) {
  "use strict";
  var OP = Object.prototype, hasOwn = OP.hasOwnProperty, defineProperty = Object.defineProperty;
  function listeners(o, evt, create) {
    var k = "#on" + evt;
    if (!hasOwn.call(o, k)) {
      if (!create) return undefined;
      defineProperty(o, k, { value: [], writable: true, configurable: true, enumerable: false });
    }
    return o[k];
  }
  function def(owner, name, fn) {
    defineProperty(owner, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  def(OP, "on", function (evt, fn) { listeners(this, evt, true).push(fn); return this; });
  def(OP, "addListener", OP.on);
  def(OP, "prependListener", function (evt, fn) { listeners(this, evt, true).unshift(fn); return this; });
  def(OP, "removeListener", function (evt, fn) {
    var l = listeners(this, evt, false);
    if (l) { var i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); }
    return this;
  });
  def(OP, "removeAllListeners", function (evt) {
    var self = this;
    if (evt === undefined) {
      Object.getOwnPropertyNames(self).forEach(function (k) { if (k.indexOf("#on") === 0) delete self[k]; });
    } else {
      delete self["#on" + evt];
    }
    return this;
  });
  def(OP, "emit", function (evt) {
    var args = [];
    for (var i = 1; i < arguments.length; i++) args.push(arguments[i]);
    hooks.emit(this, String(evt), args);
  });
  return function fire(target, evt, args) {
    var l = listeners(target, evt, false);
    if (!l) return;
    l = l.slice();
    for (var i = 0; i < l.length; i++) hooks.call(l[i], target, args);
  };
})`;

export function installEvents(context: vm.Context, hooks: EventHooks): Fire {
  return (vm.runInContext(EVENTS, context) as (h: EventHooks) => Fire)(hooks);
}

/**
 * Values made in the firmware's own realm (objects, arrays, typed arrays, ArrayBuffers, errors),
 * so that what the firmware gets back behaves as on the board under `instanceof`.
 */
import vm from "node:vm";

const FACTORIES = String.raw`(function () {
  var U8 = Uint8Array, Err = Error;
  return {
    object: function () { return {}; },
    array: function (items) { var r = []; for (var i = 0; i < items.length; i++) r.push(items[i]); return r; },
    uint8: function (n) { return new U8(n); },
    error: function (message, name) { var e = new Err(message); if (name) e.name = name; return e; }
  };
})`;

interface Factories {
  object(): Record<string, unknown>;
  array(items: ArrayLike<unknown>): unknown[];
  uint8(n: number): Uint8Array;
  error(message: string, name?: string): Error;
}

export interface RealmValues {
  object(props?: Record<string, unknown>): Record<string, unknown>;
  array(items: unknown[]): unknown[];
  uint8(bytes: Uint8Array): Uint8Array;
  arrayBuffer(bytes: Uint8Array): ArrayBuffer;
  error(message: string, name?: string): Error;
  /** Whether `e` is already an Error of the firmware's realm. */
  isRealmError(e: object): boolean;
  /** JSON.parse into firmware-realm objects. */
  parseJson(s: string): unknown;
}

export function realmValues(context: vm.Context): RealmValues {
  const f = (vm.runInContext(FACTORIES, context) as () => Factories)();
  const CtxError = vm.runInContext("Error", context) as ErrorConstructor;
  const ctxJsonParse = vm.runInContext("JSON.parse", context) as (s: string) => unknown;
  const CtxArrayBuffer = vm.runInContext("ArrayBuffer", context) as ArrayBufferConstructor;
  return {
    object: (props = {}) => Object.assign(f.object(), props),
    array: (items) => f.array(items),
    uint8: (bytes) => {
      const u = f.uint8(bytes.length);
      u.set(bytes);
      return u;
    },
    arrayBuffer: (bytes) => {
      const buf = new CtxArrayBuffer(bytes.length);
      new Uint8Array(buf).set(bytes);
      return buf;
    },
    error: (message, name) => f.error(message, name),
    isRealmError: (e) => Object.prototype.isPrototypeOf.call(CtxError.prototype, e),
    parseJson: (s) => ctxJsonParse(s),
  };
}

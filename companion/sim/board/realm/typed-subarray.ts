/**
 * subarray as Espruino 2v29 treats an end past the array: it does not clamp it. On the board
 * `new Uint8Array(10).subarray(8, 20)` is 12 bytes long, the last ten read whatever lies after the
 * array in RAM or flash (a Storage file's next bytes, say); Node clamps to 2. The virtual device can
 * show neither neighbour, so it throws, naming the fix: the firmware must clamp the end itself.
 * A negative or omitted end behaves the same on both and is left alone.
 */
import vm from "node:vm";

const PATCH = String.raw`(function () {
  var proto = Object.getPrototypeOf(Uint8Array.prototype), sub = proto.subarray, Err = Error;
  Object.defineProperty(proto, "subarray", {
    configurable: true, writable: true,
    value: function subarray(begin, end) {
      if (typeof end === "number" && end > this.length)
        throw new Err("subarray end " + end + " is past the array's " + this.length + " elements: Espruino does not clamp it and reads past the array (clamp it)");
      return sub.apply(this, arguments);
    },
  });
})()`;

/** Replaces the realm's TypedArray.prototype.subarray (before the firmware runs). */
export function installSubarrayGuard(context: vm.Context): void {
  vm.runInContext(PATCH, context);
}

import { VirtualDevice } from "../../companion/sim/device";
const t = performance.now();
const d = new VirtualDevice({ bundlePath: new URL("../../dist/firmware.js", import.meta.url).pathname.replace("/bench/.out", "") });
console.log("boot ms", performance.now() - t, d.errors);
let writes = 0;
const pw = d.pins.write.bind(d.pins);
d.pins.write = (p: number, v: number, f?: number) => { writes++; pw(p, v, f); };
d.advance(5000);
const t1 = performance.now();
for (let i = 0; i < 5; i++) {
  d.pressButton(100);
  d.advance(600);
  d.advance(250_000);
  d.advance(86_400_000 - 250_700);
}
console.log("5 sessions ms", performance.now() - t1, "writes", writes, d.errors, d.flash.getStats(), d.flash.list());

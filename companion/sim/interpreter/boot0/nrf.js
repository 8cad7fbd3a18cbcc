/*
 * .boot0, part 4: `NRF`, which the Linux build lacks. The services object given to setServices is
 * kept (the board keeps it too, to serve writes); updateServices checks each value against its
 * characteristic's maxLen (the initial value's length by default) as the real stack does, and
 * prints a notification as @@N<base64> only while a central is connected and subscribed; a link
 * that ends prints @@X<reason>.
 * The central: H.c(mtu, svc, chr) connects, subscribes and picks the
 * characteristic H.w(base64) writes a packet to (one event {data: ArrayBuffer} to its onWrite),
 * H.x(reason) drops the link. Events go to the listeners at once (the driver's command is itself
 * an idle-loop event).
 */
var services = {};
var nextServices;
var link = 0;
var listeners = {};
var nop = function () {};

var bytesOf = function (v) {
  return typeof v === "string" ? E.toUint8Array(v) : new Uint8Array(v.length === undefined ? [v] : v);
};

var fire = function (ev, a) {
  var l = listeners[ev];
  for (var i = 0; l && i < l.length; i++) call(l[i], a);
};

var drop = function (reason) {
  if (!link) return;
  link = 0;
  print("@@X" + reason);
  if (nextServices) services = nextServices;
  nextServices = undefined;
  fire("disconnect", reason);
};

global.NRF = {
  setServices: function (s) {
    if (link) nextServices = s || {};
    else services = s || {};
  },
  updateServices: function (u) {
    for (var s in u) {
      if (!services[s]) throw new Error("Service " + s + " not found");
      for (var c in u[s]) {
        var d = services[s][c];
        var n = u[s][c];
        if (!d) throw new Error("Characteristic " + c + " not found");
        if (n.value === undefined) continue;
        var v = bytesOf(n.value);
        var max = d.maxLen || bytesOf(d.value).length;
        if (v.length > max) throw new Error("Value too long: " + v.length + " bytes, maxLen " + max);
        if (n.notify && link) {
          print("@@N" + btoa(E.toString(v)));
          if ((v[0] & mask) === value) matched++;
        }
      }
    }
    sample();
  },
  setAdvertising: function (d, o) {
    if (o && o.name) print("@@A" + o.name);
  },
  setSecurity: nop,
  setConnectionInterval: nop,
  setTxPower: nop,
  getSecurityStatus: function () {
    return { connected: !!link, bonded: false, encrypted: false, advertising: !link };
  },
  getAddress: function () {
    return O.address;
  },
  getBattery: function () {
    return O.volts;
  },
  disconnect: function () {
    drop(22);
  },
  on: function (ev, f) {
    (listeners[ev] = listeners[ev] || []).push(f);
  },
};

H.c = function (mtu, s, c) {
  drop(19);
  link = { m: mtu, s: s, c: c };
  fire("connect", "aa:bb:cc:dd:ee:ff public");
};

H.x = function (reason) {
  drop(reason || 19);
};

H.w = function (b64) {
  var d = link && services[link.s] && services[link.s][link.c];
  var n = atob(b64).length;
  if (!d || !d.writable || !d.onWrite) print("@@Eharness: no writable characteristic on this link");
  else if (n > link.m - 3 || n > (d.maxLen || bytesOf(d.value).length)) print("@@Eharness: a write of " + n + " bytes exceeds MTU-3 or maxLen");
  else call(d.onWrite, { data: E.toArrayBuffer(atob(b64)) });
};

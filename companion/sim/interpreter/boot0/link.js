/*
 * .boot0, part 6: the driver's channel. The driver types `__h.l(port)` on the console once; from
 * then on every line it sends to that TCP port is run here, then @@D is printed (the console's
 * input thread races the main loop in the Linux build: ../espruino-process.ts). A line that throws
 * prints @@E and the next line still runs. A lone line is run from the received string itself, so
 * a command costs the pool one copy of its text.
 */
H.l = function (port) {
  var buf = "";
  require("net")
    .connect({ host: "127.0.0.1", port: port })
    .on("data", function (d) {
      buf = buf ? buf + d : d;
      for (var i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        var line = i === buf.length - 1 ? buf : buf.substr(0, i);
        buf = line === buf ? "" : buf.substr(i + 1);
        try {
          eval(line);
        } catch (e) {
          print("@@E" + e);
        }
        print("@@D");
      }
    });
};

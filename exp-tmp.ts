import { handlerRun } from "./bench/handler";
import { startDynaliteProcess } from "./tests/helpers/dynalite";
(async () => {
  process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = "1";
  for (const lat of [0, 5]) {
    const s = await startDynaliteProcess(lat);
    await handlerRun(50, 2, s, lat);
    for (const [n, p, c] of [[1000, 10, 10], [300, 1, 1], [1000, 10, 20]]) {
      const u0 = process.cpuUsage();
      const r = await handlerRun(n, p, s, lat, c);
      const u = process.cpuUsage(u0);
      console.log(lat, n, p, c, r.recordsPerSecond, "rec/s", r.ms, "ms; client cpu ms/record", ((u.user + u.system) / 1000 / n).toFixed(2));
    }
    await s.stop();
  }
})();

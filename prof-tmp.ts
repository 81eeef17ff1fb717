import { handlerRun } from "./bench/handler";
import { startDynaliteProcess } from "./tests/helpers/dynalite";
(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const s = await startDynaliteProcess(0);
  await handlerRun(100, 2, s, 0);
  const u0 = process.cpuUsage();
  const r = await handlerRun(600, 10, s, 0);
  const u = process.cpuUsage(u0);
  console.log(r.recordsPerSecond, "rec/s", r.ms, "ms; client cpu ms/record", ((u.user + u.system) / 1000 / 600).toFixed(2));
  await s.stop();
})();

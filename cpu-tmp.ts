import { execSync } from "child_process";
import { handlerRun } from "./bench/handler";
import { startDynaliteProcess } from "./tests/helpers/dynalite";
const childCpu = () => { const out = execSync(`ps -o times= --ppid ${process.pid}`).toString().trim().split(/\s+/).map(Number); return out.reduce((a, b) => a + b, 0); };
(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const s = await startDynaliteProcess(5);
  await handlerRun(100, 2, s, 5);
  const c0 = childCpu(); const u0 = process.cpuUsage();
  const r = await handlerRun(1000, 10, s, 5);
  const u = process.cpuUsage(u0); const c1 = childCpu();
  console.log(r.recordsPerSecond, "rec/s;", "client ms/rec", ((u.user + u.system) / 1000 / 1000).toFixed(2), "server ms/rec", ((c1 - c0) * 1000 / 1000).toFixed(2));
  await s.stop();
})();

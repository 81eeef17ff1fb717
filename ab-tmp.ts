import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { benchEvent } from "./bench/handler";
import { createIdempotencyTable, localClientConfig, startDynaliteProcess } from "./tests/helpers/dynalite";
import * as NEW from "./handler/index";
import * as OLD from "./oldh-tmp/index";
let t = 0;
async function one(mod: any, s: any, n: number, p: number) {
  const tableName = `ab-${t++}`;
  await createIdempotencyTable(s, tableName);
  const h = mod.createHandler({ reportBatchItemFailures: true, logger: new Logger({ logLevel: "ERROR" }), persistenceStore: new DynamoDBPersistenceLayer({ tableName, clientConfig: localClientConfig(s.endpoint) }), process: async () => undefined });
  const t0 = performance.now();
  await h(benchEvent(n, p), { getRemainingTimeInMillis: () => 900000 });
  return Math.round(n / (performance.now() - t0) * 1000);
}
(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const lat = Number(process.argv[2] ?? 5);
  const s = await startDynaliteProcess(lat);
  await one(NEW, s, 100, 2); await one(OLD, s, 100, 2);
  for (let k = 0; k < 2; k++) {
    console.log("old 10p", await one(OLD, s, 300, 10), "new 10p", await one(NEW, s, 300, 10), "old 1p", await one(OLD, s, 200, 1), "new 1p", await one(NEW, s, 200, 1));
  }
  await s.stop();
})();

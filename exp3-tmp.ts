import { PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { startDynaliteProcess, createIdempotencyTable } from "./tests/helpers/dynalite";
(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const s = await startDynaliteProcess(5);
  await createIdempotencyTable(s, "ttt");
  const put = (i: number) => s.client.send(new PutItemCommand({ TableName: "ttt", Item: { id: { S: "k" + i }, expiration: { N: "1" } }, ConditionExpression: "attribute_not_exists(#id)", ExpressionAttributeNames: { "#id": "id" } }));
  for (let i = 0; i < 50; i++) await put(i);
  let t0 = performance.now();
  for (let i = 0; i < 200; i++) await put(1000 + i);
  console.log("seq 200:", Math.round(performance.now() - t0), "ms");
  for (const w of [10, 20]) {
    t0 = performance.now();
    await Promise.all(Array.from({ length: w }, async (_, k) => { for (let i = 0; i < 200 / w; i++) await put(10000 * w + k * 100 + i); }));
    console.log(`${w}x${200 / w}:`, Math.round(performance.now() - t0), "ms");
  }
  await s.stop();
})();

import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startDynaliteProcess, startDynalite, createIdempotencyTable } from "./tests/helpers/dynalite";
(async () => {
  for (const mode of ["proc", "inproc"]) {
    const s = mode === "proc" ? await startDynaliteProcess(0) : await startDynalite();
    await createIdempotencyTable(s, "ttt");
    const put = (i: number) => s.client.send(new PutItemCommand({ TableName: "ttt", Item: { id: { S: "k" + i }, expiration: { N: "1" } }, ConditionExpression: "attribute_not_exists(#id)", ExpressionAttributeNames: { "#id": "id" } }));
    for (let i = 0; i < 100; i++) await put(i);
    let t0 = performance.now(); let u0 = process.cpuUsage();
    for (let i = 0; i < 500; i++) await put(1000 + i);
    let u = process.cpuUsage(u0);
    console.log(mode, "seq 500:", Math.round(performance.now() - t0), "ms, cpu", Math.round((u.user + u.system) / 1000));
    t0 = performance.now(); u0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 10 }, async (_, w) => { for (let i = 0; i < 50; i++) await put(5000 + w * 100 + i); }));
    u = process.cpuUsage(u0);
    console.log(mode, "10x50:", Math.round(performance.now() - t0), "ms, cpu", Math.round((u.user + u.system) / 1000));
    await s.stop();
  }
})();

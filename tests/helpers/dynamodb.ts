/**
 * An in-memory DynamoDB table at the AWS SDK client boundary (aws-sdk-client-mock): every DynamoDBClient's GetItem,
 * PutItem (with the condition Powertools' idempotency store sends), UpdateItem and DeleteItem act on a Map, so a test
 * sees what a real table would keep between invocations and containers.
 */
import {
    ConditionalCheckFailedException,
    DeleteItemCommand,
    DynamoDBClient,
    GetItemCommand,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";

type Item = Record<string, AttributeValue>;

export interface MemoryTable {
    items: Map<string, Item>;
    calls: string[];
    restore(): void;
}

const num = (v: AttributeValue | undefined): number | undefined => (v && "N" in v && v.N !== undefined ? Number(v.N) : undefined);
const str = (v: AttributeValue | undefined): string | undefined => (v && "S" in v ? v.S : undefined);

export function memoryTable(keyAttr = "id"): MemoryTable {
    const items = new Map<string, Item>();
    const calls: string[] = [];
    const mock = mockClient(DynamoDBClient);
    const keyOf = (key: Item | undefined) => str(key?.[keyAttr]) ?? "";
    mock.on(GetItemCommand).callsFake((input: { Key: Item }) => {
        calls.push("GetItem");
        const item = items.get(keyOf(input.Key));
        return { Item: item ? { ...item } : undefined };
    });
    mock.on(PutItemCommand).callsFake((input: { Item: Item; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item }) => {
        calls.push("PutItem");
        const key = keyOf(input.Item);
        const old = items.get(key);
        if (old && input.ExpressionAttributeNames) {
            // attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND
            // attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)
            const n = input.ExpressionAttributeNames;
            const v = input.ExpressionAttributeValues ?? {};
            const expired = (num(old[n["#expiry"]]) ?? 0) < (num(v[":now"]) ?? 0);
            const inProgressExpired =
                str(old[n["#status"]]) === str(v[":inprogress"]) &&
                old[n["#in_progress_expiry"]] !== undefined &&
                (num(old[n["#in_progress_expiry"]]) ?? 0) < (num(v[":now_in_millis"]) ?? 0);
            if (!expired && !inProgressExpired) {
                throw new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: { ...old } });
            }
        }
        items.set(key, { ...input.Item });
        return {};
    });
    mock.on(UpdateItemCommand).callsFake(
        (input: { Key: Item; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item }) => {
            calls.push("UpdateItem");
            const key = keyOf(input.Key);
            const item: Item = { ...(items.get(key) ?? input.Key) };
            // "SET #a = :a, #b = :b"
            for (const part of input.UpdateExpression.replace(/^SET /, "").split(", ")) {
                const [name, value] = part.split(" = ");
                item[input.ExpressionAttributeNames[name]] = input.ExpressionAttributeValues[value];
            }
            items.set(key, item);
            return {};
        },
    );
    mock.on(DeleteItemCommand).callsFake((input: { Key: Item }) => {
        calls.push("DeleteItem");
        items.delete(keyOf(input.Key));
        return {};
    });
    return { items, calls, restore: () => mock.restore() };
}

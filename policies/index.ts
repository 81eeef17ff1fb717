/**
 * msk-lambda policy pack: rejects insecure or broken Amazon MSK -> AWS Lambda setups made by any Pulumi program.
 * Each policy names the AWS documentation fact or API limit it enforces next to its code (rules/); the catalogue is
 * generated from policies.ts (npm run docs).
 */
import { PolicyPack } from "@pulumi/policy";
import { decodeOnce } from "./lib/decode-once";
import { stackOnce } from "./lib/stack-once";
import { policies } from "./policies";

// Before the server handles a request: each resource's properties are decoded once per request (lib/decode-once.ts),
// and an AnalyzeStack request's resource list is built once for every stack policy (lib/stack-once.ts).
decodeOnce();
stackOnce();

new PolicyPack("msk-lambda", { policies });

/**
 * msk-lambda policy pack: rejects insecure or broken Amazon MSK -> AWS Lambda setups made by any Pulumi program.
 * Each policy names the AWS documentation fact or API limit it enforces next to its code (rules/); the catalogue is
 * generated from policies.ts (npm run docs).
 */
import { PolicyPack } from "@pulumi/policy";
import { decodeOnce } from "./lib/decode-once";
import { policies } from "./policies";

// Before the server handles a request: each resource's properties are decoded once per request (lib/decode-once.ts).
decodeOnce();

new PolicyPack("msk-lambda", { policies });

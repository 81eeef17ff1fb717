/**
 * msk-lambda policy pack: rejects insecure or broken Amazon MSK -> AWS Lambda setups made by any Pulumi program.
 * Each policy names the AWS documentation fact or API limit it enforces next to its code (rules/); the catalogue is
 * generated from policies.ts (npm run docs).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("msk-lambda", { policies });

// The floor for `npm run bench`: a policy pack with no policies, served exactly as the real pack is.
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("empty", { policies: [] });

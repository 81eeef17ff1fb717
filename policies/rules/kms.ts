import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/graph";
import { knownBool, maybeString } from "../lib/values";
import { forTypes } from "./common";

/** Customer-managed symmetric keys rotate their key material yearly (asymmetric and HMAC keys cannot rotate). */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Customer-managed symmetric KMS keys have automatic rotation on.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.kmsKey], (args, report) => {
        const spec = maybeString(args.props, "customerMasterKeySpec") ?? maybeString(args.props, "keySpec") ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") return;
        if (knownBool(args.props, "enableKeyRotation") !== true) report(`KMS key '${args.name}' does not rotate: set enableKeyRotation to true.`);
    }),
};

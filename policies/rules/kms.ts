import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/graph";
import { get, isUnknown, knownBool, notKnownYet } from "../lib/values";
import { forTypes } from "./common";

/** Customer-managed symmetric keys rotate their key material yearly (asymmetric and HMAC keys cannot rotate). */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Customer-managed symmetric KMS keys have automatic rotation on.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.kmsKey], (args, report) => {
        const specs = [get(args.props, "customerMasterKeySpec"), get(args.props, "keySpec")];
        const spec = specs.find((v) => typeof v === "string" && !isUnknown(v)) ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") return;
        if (knownBool(args.props, "enableKeyRotation") === true) return;
        // An unknown key spec may be an asymmetric or HMAC key, which cannot rotate: a preview note, not a verdict.
        if (specs.some(isUnknown)) notKnownYet(["keySpec"]);
        report(`KMS key '${args.name}' does not rotate: set enableKeyRotation to true.`);
    }),
};

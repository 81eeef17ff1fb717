import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/graph";
import { rotationForbidden } from "../lib/kms";
import { knownBool, notKnownYet } from "../lib/values";
import { forTypes } from "./common";

/**
 * Customer-managed symmetric keys rotate their key material yearly. AWS KMS Developer Guide "Rotate AWS KMS keys":
 * automatic rotation is supported only for symmetric encryption keys with key material that AWS KMS generates; not for
 * asymmetric keys, HMAC keys, keys in custom key stores, or keys with imported key material (`origin: EXTERNAL`). A
 * mandatory rule must be satisfiable, so those keys are not asked to rotate (lib/kms.ts `rotationForbidden`).
 */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Customer-managed symmetric KMS keys whose key material AWS KMS generates have automatic rotation on.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.kmsKey], (args, report) => {
        const forbidden = rotationForbidden(args.props);
        if (forbidden === true) return;
        if (knownBool(args.props, "enableKeyRotation") === true) return;
        // An unknown key spec, origin or key store may name a key that cannot rotate: a preview note, not a verdict.
        if (forbidden === "unknown") {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            notKnownYet(["keySpec"]);
        }
        report(`KMS key '${args.name}' does not rotate: set enableKeyRotation to true.`);
    }),
};

/**
 * msk-lambda policy pack: rejects insecure or broken Amazon MSK -> AWS Lambda setups made by any Pulumi program.
 * Each policy names the AWS documentation fact or API limit it enforces next to its code (rules/).
 */
import { PolicyPack } from "@pulumi/policy";
import { destinationEncryption, destinationKmsGrants, s3DestinationProtection } from "./rules/destinations";
import { mskFunctionTimeout } from "./rules/function";
import { iamLeastPrivilege } from "./rules/iam";
import { kmsKeyRotation } from "./rules/kms";
import { mskMappingAuthMechanism, mskMappingLimits, mskMappingOnFailureDestination, mskNoCustomServerCa, noFifoDestinations } from "./rules/mapping";
import { mskBrokerLogs, mskEncryptionAtRestCmk, mskEncryptionInTransit, mskNoPublicAccess, mskNoUnauthenticatedAccess } from "./rules/msk";
import { mskNetworkPath, noPublicKafkaIngress } from "./rules/network";
import { mskScramSecret, mtlsSecret, mtlsSecretForMapping } from "./rules/secrets";

/** Every policy, in catalogue order. */
export const policies = [
    // Lambda/MSK facts from AWS's documentation
    mskFunctionTimeout,
    noFifoDestinations,
    mtlsSecret,
    mtlsSecretForMapping,
    mskNoCustomServerCa,
    mskScramSecret,
    mskMappingAuthMechanism,
    mskMappingLimits,
    // Security baseline
    mskEncryptionInTransit,
    mskNoUnauthenticatedAccess,
    mskNoPublicAccess,
    mskEncryptionAtRestCmk,
    mskBrokerLogs,
    destinationEncryption,
    s3DestinationProtection,
    destinationKmsGrants,
    iamLeastPrivilege,
    kmsKeyRotation,
    noPublicKafkaIngress,
    mskMappingOnFailureDestination,
    mskNetworkPath,
];

new PolicyPack("msk-lambda", { policies });

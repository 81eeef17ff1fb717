/**
 * The one entry through which the program (index.ts, components/, lib/, plan/) reads the policy pack's shared AWS
 * facts: the Lambda and MSK limits, the destination catalogue, the IAM action catalogue and the mTLS secret checks.
 * Everything else under policies/ is the pack's own; ESLint (eslint.config.mjs, `no-restricted-imports`) refuses
 * any other import of it from outside the pack.
 */
export * from "./facts";
export * from "./destinations";
export { consumerActionsOn, MAPPING_CLUSTER_ACTIONS, MAPPING_DESCRIBE_CLUSTER_ACTIONS, MAPPING_EC2_ACTIONS } from "./iam-facts";
export { inspectMtlsSecret, type FindingCode } from "./mtls";

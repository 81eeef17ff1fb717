/**
 * The msk-lambda component package: the components other Pulumi languages (Python, Go, C#, YAML) use after
 * `pulumi package add` (PulumiPlugin.yaml). Pulumi starts this module with `@pulumi/pulumi/cmd/run-plugin`, which
 * serves every component it exports (through `componentProviderHost` of `@pulumi/pulumi/provider/experimental`); the
 * schema is inferred from each component's args interface, so args are plain data (enums, strings, `Input<string>`,
 * nested interfaces) with a doc comment per property. The settings interfaces (lib/settings.ts) are generated from
 * the config tables that validate the stack (`npm run docs`).
 */
export { Alerts } from "../components/alerts";
export { ClusterCredentials } from "../components/credentials";
export { Consumer } from "../components/consumer";
export { Destination } from "../components/destination";
export { KafkaCluster } from "../components/kafka-cluster";
export { Network } from "../components/network";
export { KafkaTopics } from "../components/topics";
export { Stack } from "../components/whole-stack";
export * from "../lib/settings";

/**
 * The msk-lambda component package: the components other Pulumi languages (Python, Go, C#, YAML) use after
 * `pulumi package add` (PulumiPlugin.yaml). Pulumi starts this module with `@pulumi/pulumi/cmd/run-plugin`, which
 * serves every component it exports (through `componentProviderHost` of `@pulumi/pulumi/provider/experimental`); the
 * schema is inferred from each component's args interface, so args are plain data (enums, strings, `Input<string>`,
 * nested interfaces) with a doc comment per property.
 *
 * Exported so far: `Destination`, `Alerts` and `KafkaTopics`. The other components still take component objects or string unions in their args
 * (issue 19 section 2, not done).
 */
export { Alerts } from "../components/alerts";
export { Destination } from "../components/destination";
export { KafkaTopics } from "../components/topics";
export { DestinationType, StackEnvironment } from "../lib/destinations";

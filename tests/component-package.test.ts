import * as assert from "assert";
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import Ajv2020 from "ajv/dist/2020";
import { parse as parseYaml } from "yaml";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import {
    Alerts,
    ClusterCredentials,
    Consumer,
    Destination,
    KafkaCluster,
    KafkaTopics,
    KafkaVpcConnection,
    Network,
    ServerlessKafka,
    Stack,
} from "../component";
import { buildStack, serverlessClusterName } from "../components/stack";
import { parseStackConfig } from "../lib/config";
import { DestinationType, StackEnvironment } from "../lib/destinations";
import { BROKER_PORTS } from "../lib/layout";
import { evaluatePolicies } from "../plan/policy";
import { simulate } from "../plan/simulate";
import { pack } from "./helpers/pack";
import { run, type Run } from "./helpers/sim";

/**
 * The component package (PulumiPlugin.yaml → component/): started as the Pulumi CLI starts a source-based plugin
 * (`@pulumi/pulumi/cmd/run-plugin` on the plugin directory), it answers GetSchema over gRPC with a schema that holds
 * every exported component, types every property (no `pulumi.json#/Any`) and validates against Pulumi's package
 * metaschema (schemas/pulumi-package.schema.json); and `construct()` with the plain JSON a Python or YAML program
 * sends builds the same resources, with the same inputs, as the TypeScript program.
 */
const ROOT = path.resolve(__dirname, "..");
const PLUGIN_DIR = path.join(ROOT, parseYaml(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8")).main);
const COMPONENTS = { Alerts, ClusterCredentials, Consumer, Destination, KafkaCluster, KafkaTopics, KafkaVpcConnection, Network, ServerlessKafka, Stack };

/** Starts the plugin as the CLI does and reads the port it prints; the caller kills it. */
function startPlugin(): Promise<{ child: ChildProcess; port: number }> {
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin");
    const child = spawn(process.execPath, [runPlugin, PLUGIN_DIR], { cwd: PLUGIN_DIR, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const line = out.split("\n")[0].trim();
            if (out.includes("\n") && /^[0-9]+$/.test(line)) resolve({ child, port: Number(line) });
        });
        child.stderr!.on("data", (d) => (err += d));
        child.on("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port: ${err || out}`)));
    });
}

function getSchema(port: number): Promise<string> {
    const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
    const { GetSchemaRequest } = require("@pulumi/pulumi/proto/provider_pb");
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const req = new GetSchemaRequest();
    req.setVersion(0);
    return new Promise((resolve, reject) =>
        client.getSchema(req, (e: Error | null, res: { getSchema(): string }) => {
            client.close();
            if (e) reject(e);
            else resolve(res.getSchema());
        }),
    );
}

/** Every `$ref` in a schema, with where it is. */
function refs(v: unknown, at = "", out: [string, string][] = []): [string, string][] {
    if (Array.isArray(v)) v.forEach((x, i) => refs(x, `${at}[${i}]`, out));
    else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
            if (k === "$ref" && typeof x === "string") out.push([at, x]);
            else refs(x, `${at}.${k}`, out);
        }
    return out;
}

/**
 * Where a YAML value does not match a schema property: an enum's values, an object type's properties (required ones
 * present, no others), arrays and maps item by item, scalars by type. `${...}` interpolations are outputs of other
 * resources: not checked.
 */
function mismatches(schema: any, v: unknown, prop: any, at: string): string[] {
    if (typeof v === "string" && v.startsWith("${")) return [];
    if (prop.$ref?.startsWith("#/types/")) {
        const t = schema.types[prop.$ref.slice("#/types/".length)];
        if (t.enum) return t.enum.some((e: { value: unknown }) => e.value === v) ? [] : [`${at}: ${v} is not one of the enum's values`];
        if (!v || typeof v !== "object" || Array.isArray(v)) return [`${at}: not an object`];
        const out = (t.required ?? []).filter((k: string) => !(k in v)).map((k: string) => `${at}: missing ${k}`);
        for (const [k, x] of Object.entries(v))
            out.push(...(t.properties[k] ? mismatches(schema, x, t.properties[k], `${at}.${k}`) : [`${at}.${k}: not a property of ${t.name ?? prop.$ref}`]));
        return out;
    }
    if (prop.type === "array") return Array.isArray(v) ? v.flatMap((x, i) => mismatches(schema, x, prop.items, `${at}[${i}]`)) : [`${at}: not an array`];
    if (prop.type === "object")
        return v && typeof v === "object"
            ? Object.entries(v).flatMap(([k, x]) => mismatches(schema, x, prop.additionalProperties ?? {}, `${at}.${k}`))
            : [`${at}: not an object`];
    if (prop.type === "integer" || prop.type === "number") return typeof v === "number" ? [] : [`${at}: not a number`];
    return prop.type && typeof v !== prop.type ? [`${at}: not a ${prop.type}`] : [];
}

/** A shipped stack file's `msk-lambda:` config: the raw map the CLI hands the program, and the plain settings. */
function stackFile(stack: "dev" | "prod") {
    return configFile(`Pulumi.${stack}.yaml`);
}

/** A config file's (a stack file's or an example's, relative to the repository) raw map and plain settings. */
function configFile(file: string) {
    const config = parseYaml(fs.readFileSync(path.join(ROOT, file), "utf8")).config as Record<string, unknown>;
    const raw: Record<string, string> = {};
    const settings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
        raw[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
        if (k.startsWith("msk-lambda:")) settings[k.slice("msk-lambda:".length)] = v;
    }
    return { raw, settings: settings as any };
}

describe("component package (PulumiPlugin.yaml)", function () {
    this.timeout(300_000);
    let schema: any;
    // One provider for every construct(): it analyses the package's TypeScript once (its schema is cached).
    const provider = new ComponentProvider({ name: "msk-lambda", components: Object.values(COMPONENTS), dirname: PLUGIN_DIR });

    /** construct() as the provider host calls it; the component's outputs are not the test program's stack outputs. */
    const construct = async (name: string, type: string, inputs: Record<string, unknown>): Promise<void> => {
        await provider.construct(name, type, inputs, {});
    };

    before(async () => {
        // The plugin process and this process analyse the package at the same time (each takes seconds).
        const served = (async () => {
            const { child, port } = await startPlugin();
            try {
                return await getSchema(port);
            } finally {
                child.kill();
            }
        })();
        const [text, local] = await Promise.all([served, provider.getSchema()]);
        schema = JSON.parse(text);
        assert.deepStrictEqual(JSON.parse(local), schema, "construct() below runs with another schema than the plugin serves");
    });

    it("answers GetSchema over gRPC, as the Pulumi CLI starts it, with every exported component", () => {
        assert.strictEqual(schema.name, "msk-lambda");
        assert.deepStrictEqual(
            Object.keys(schema.resources).sort(),
            Object.keys(COMPONENTS)
                .map((c) => `msk-lambda:index:${c}`)
                .sort(),
        );
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            assert.strictEqual(r.isComponent, true, token);
            for (const [name, p] of Object.entries<any>(r.inputProperties)) assert.ok(p.description, `${token}.${name} has no doc comment`);
        }
    });

    it("types every property: no pulumi.json#/Any", () => {
        assert.deepStrictEqual(
            refs(schema).filter(([, r]) => r === "pulumi.json#/Any"),
            [],
        );
        assert.deepStrictEqual(
            schema.types["msk-lambda:index:DestinationType"].enum.map((e: { value: string }) => e.value),
            Object.values(DestinationType),
        );
    });

    it("validates against Pulumi's package metaschema", () => {
        const meta = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "pulumi-package.schema.json"), "utf8"));
        const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
        const validate = ajv.compile(meta);
        assert.ok(validate(schema), JSON.stringify(validate.errors, null, 1));
    });

    it("accepts the YAML example program: its Pulumi.yaml is a valid project, and every msk-lambda resource matches the schema and builds", async () => {
        const file = path.join(ROOT, "examples", "languages", "yaml", "Pulumi.yaml");
        const program = parseYaml(fs.readFileSync(file, "utf8")) as any;
        const project = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "pulumi-project.schema.json"), "utf8"));
        const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
        const validProject = ajv.compile(project);
        assert.ok(validProject(JSON.parse(JSON.stringify(program))), JSON.stringify(validProject.errors));
        const problems: string[] = [];
        let used = 0;
        for (const [name, r] of Object.entries<any>(program.resources)) {
            if (!String(r.type).startsWith("msk-lambda:")) continue;
            used++;
            const def = schema.resources[r.type];
            if (!def) {
                problems.push(`${name}: no component ${r.type}`);
                continue;
            }
            for (const req of def.requiredInputs ?? []) if (!(req in (r.properties ?? {}))) problems.push(`${name}: missing ${req}`);
            for (const [k, v] of Object.entries<any>(r.properties ?? {})) {
                const prop = def.inputProperties[k];
                if (!prop) problems.push(`${name}.${k}: not an input of ${r.type}`);
                else problems.push(...mismatches(schema, v, prop, `${name}.${k}`));
            }
            for (const m of JSON.stringify(program.outputs ?? {}).matchAll(new RegExp(`\\$\\{${name}\\.([a-zA-Z]+)\\}`, "g")))
                if (!(m[1] in def.properties)) problems.push(`output reads ${name}.${m[1]}, not an output of ${r.type}`);
        }
        assert.ok(used > 0, "the example uses no msk-lambda component");
        assert.deepStrictEqual(problems, []);
        // Its Stack builds under the mocks (its settings pass the stack's validator).
        const stacks = Object.entries<any>(program.resources).filter(([, r]) => r.type === "msk-lambda:index:Stack");
        assert.ok(stacks.length > 0, "the example uses no Stack component");
        for (const [name, r] of stacks) {
            const built = await run(() => construct(name, r.type, r.properties), { stack: "dev" });
            assert.ok(built.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").length >= 1, `${name} built no consumer`);
        }
    });

    it("has a Python example that python3 compiles", () => {
        const file = path.join(ROOT, "examples", "languages", "python", "__main__.py");
        const r = spawnSync("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", file], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.error ? `python3 not runnable: ${r.error.message}` : r.stderr);
    });

    /** The resources a component builds, with their inputs, by type and name. */
    const shape = (r: Run) =>
        r.resources
            .filter((x) => x.type !== "pulumi:pulumi:Stack")
            .map((x) => ({ type: x.type, name: x.name, inputs: x.inputs }))
            .sort((a, b) => `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`));

    /** Each component with the args a TypeScript program gives it (JSON-safe, so also what YAML or Python sends). */
    const role = "arn:aws:iam::123456789012:role/consumer";
    const cases = [StackEnvironment.Dev, StackEnvironment.Prod]
        .flatMap((environment) => [
            ...Object.values(DestinationType).map((type) => ({
                component: "Destination" as const,
                label: `Destination ${type}, ${environment}`,
                environment,
                args: { type, environment, physicalName: "msk-lambda-dev-orders-failures", senderRoleArns: [role], tags: { team: "data" } },
            })),
            {
                component: "Alerts" as const,
                label: `Alerts, ${environment}`,
                environment,
                args: { environment, baseName: "msk-lambda-dev", tags: { team: "data" } },
            },
            {
                component: "KafkaTopics" as const,
                label: `KafkaTopics, ${environment}`,
                environment,
                args: {
                    environment,
                    clusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/msk-lambda-dev/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2",
                    clusterName: "msk-lambda-dev",
                    topics: [
                        {
                            name: "orders",
                            existing: false,
                            partitions: 6,
                            replicationFactor: 3,
                            configs: { "min.insync.replicas": "2" },
                            consumers: ["orders"],
                        },
                        { name: "payments", existing: false, partitions: 3, replicationFactor: 2, configs: {}, consumers: [] },
                        { name: "legacy", existing: true, configs: {}, consumers: ["audit"] },
                    ],
                },
            },
            ...stackComponentCases(environment),
        ])
        .concat(["serverless.yaml", "cross-account-consumer.yaml"].map((example) => sourceCase(`examples/${example}`)));

    /** The components of a shipped stack, each with the args the stack file gives it (as buildStack derives them). */
    function stackComponentCases(environment: StackEnvironment) {
        const { settings } = stackFile(environment as "dev" | "prod");
        const tags = { project: "msk-lambda", stack: environment, environment, "managed-by": "pulumi" };
        const baseName = `msk-lambda-${environment}`;
        const clusterArn = `arn:aws:kafka:us-east-1:123456789012:cluster/${baseName}/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2`;
        const authentication = settings.cluster.authentication ?? "iam";
        const secret = authentication === "scram" || authentication === "mtls";
        const of = (component: keyof typeof COMPONENTS, label: string, args: object) => ({ component, label: `${label}, ${environment}`, environment, args });
        return [
            of("Network", "Network", {
                settings: settings.network,
                brokerPort: BROKER_PORTS[authentication as keyof typeof BROKER_PORTS],
                createClusterSecurityGroup: true,
                clusterAzCount: settings.cluster.azCount,
                failureDestinationTypes: settings.consumers.map((c: any) => c.onFailure?.type ?? "sqs"),
                tags,
            }),
            of("KafkaCluster", "KafkaCluster", {
                settings: settings.cluster,
                environment,
                clusterName: baseName,
                subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"].slice(0, settings.cluster.azCount ?? 3),
                securityGroupIds: ["sg-0123456789abcdef0"],
                tags,
            }),
            ...(secret ? [of("ClusterCredentials", "ClusterCredentials", { authentication, environment, baseName, clusterArn, associate: true, tags })] : []),
            ...settings.consumers.map((item: any) =>
                of("Consumer", `Consumer ${item.name}`, {
                    settings: item,
                    environment,
                    baseName,
                    clusterArn,
                    authentication,
                    ...(secret
                        ? {
                              credentialsSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_${baseName}-AbCdEf`,
                              credentialsKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0e2c2cd1-3b8b-4c0b-9b8e-1f3e4a5b6c7d",
                          }
                        : {}),
                    alarmTopicArn: `arn:aws:sns:us-east-1:123456789012:${baseName}-alarms`,
                    tags,
                }),
            ),
            of("Stack", "Stack", { settings }),
        ];
    }

    /**
     * The source component of a shipped example (`npm run plan -- --stack dev --config-file <example>`), with the args
     * buildStack gives it (components/stack.ts, buildSource): the parsed source, and the network's cluster subnets (one
     * per cluster AZ) and group.
     */
    function sourceCase(file: string) {
        const { raw } = configFile(file);
        const cfg = parseStackConfig(raw, { project: "msk-lambda", stack: "dev" });
        const environment = cfg.environment as StackEnvironment;
        const baseName = "msk-lambda-dev";
        const network = {
            subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"].slice(0, cfg.cluster.azCount ?? 3),
            securityGroupIds: ["sg-0123456789abcdef0"],
            tags: { project: "msk-lambda", stack: "dev", environment, "managed-by": "pulumi" },
        };
        const of = (component: keyof typeof COMPONENTS, args: object) => ({ component, label: `${component}, ${file}`, environment, args });
        const s = cfg.source;
        if (s.kind === "serverless")
            return of("ServerlessKafka", {
                environment,
                clusterName: serverlessClusterName(baseName),
                ...(s.clusterArn ? { existingClusterArn: s.clusterArn } : {}),
                ...network,
            });
        assert.strictEqual(s.kind, "msk-vpc-connection", `${file}: no source component`);
        return of("KafkaVpcConnection", { targetClusterArn: s.clusterArn, authentication: s.authentication, vpcId: "vpc-0123456789abcdef0", ...network });
    }

    it("has a construct case for every exported component", () => {
        assert.deepStrictEqual([...new Set(cases.map((c) => c.component))].sort(), Object.keys(COMPONENTS).sort());
    });

    for (const environment of ["dev", "prod"] as const) {
        it(`construct() of Stack with the ${environment} stack file's config as plain JSON builds the TypeScript program's resources, inputs and pack verdict`, async () => {
            const { raw, settings } = stackFile(environment);
            const opts = { project: "msk-lambda", stack: environment, preview: false, config: raw, secretKeys: [] };
            // index.ts: the stack file's config, parsed and built without the Stack component.
            const viaTs = await simulate(() => buildStack(parseStackConfig(raw, { project: "msk-lambda", stack: environment })), opts);
            // A YAML program's `type: msk-lambda:index:Stack` with `properties: { settings: ... }`.
            const json = JSON.parse(JSON.stringify({ settings }));
            const viaConstruct = await simulate(() => construct("it", "msk-lambda:index:Stack", json), opts);
            const plain = (sim: typeof viaTs) =>
                shape({ resources: sim.resources.filter((r) => r.type !== "msk-lambda:index:Stack").map((r) => ({ ...r, inputs: r.rawInputs })) } as any);
            assert.ok(plain(viaTs).length > 40);
            assert.deepStrictEqual(plain(viaConstruct), plain(viaTs));
            const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", `${environment}.json`), "utf8"));
            const verdict = async (sim: typeof viaTs) =>
                (await evaluatePolicies(sim, config, await pack())).violations
                    .map((v) => `${v.policy} ${v.enforcementLevel} ${v.urn.slice(v.urn.lastIndexOf("$") + 1)}`)
                    .sort();
            const expected = await verdict(viaTs);
            assert.deepStrictEqual(await verdict(viaConstruct), expected);
            // The shipped stacks' verdict (README): prod's cluster has no Kafka ACLs' default-deny (advisory), dev is clean.
            assert.deepStrictEqual(expected, environment === "prod" ? ["msk-acl-default-allow advisory aws:msk/cluster:Cluster::msk-lambda-prod"] : []);
        });
    }

    it("Stack refuses a bad config with every problem named by its msk-lambda: key, before anything registers", async () => {
        const { settings } = stackFile("dev");
        const bad = { settings: { ...settings, network: { ...settings.network, azCount: 9 }, consumers: [{ name: "Bad!", topic: "orders" }] } };
        let error: any;
        const sim = await run(() => {
            try {
                new Stack("it", JSON.parse(JSON.stringify(bad)));
            } catch (e) {
                error = e;
            }
        });
        assert.deepStrictEqual(
            error?.issues?.map((i: { key: string }) => i.key),
            ["msk-lambda:network.azCount", "msk-lambda:consumers[0].name"],
        );
        assert.deepStrictEqual(
            sim.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack"],
        );
    });

    it("KafkaVpcConnection refuses an authentication a managed VPC connection does not offer, by its key, before anything registers", async () => {
        const args = { ...cases.find((c) => c.component === "KafkaVpcConnection")!.args, authentication: "scram-256" };
        let error: any;
        const sim = await run(() => {
            try {
                new KafkaVpcConnection("it", JSON.parse(JSON.stringify(args)));
            } catch (e) {
                error = e;
            }
        });
        assert.deepStrictEqual(
            error?.issues?.map((i: { key: string }) => i.key),
            ["it.authentication"],
        );
        assert.match(error.issues[0].message, /"scram-256" .*"iam", "scram" or "mtls"/);
        assert.deepStrictEqual(
            sim.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack"],
        );
    });

    for (const c of cases) {
        it(`construct() with a YAML program's plain JSON builds what the TypeScript program builds (${c.label})`, async () => {
            // What `type: msk-lambda:index:<Component>` with `properties:` sends from Pulumi YAML (or Python's dict).
            const json = JSON.parse(JSON.stringify(c.args));
            const viaConstruct = await run(() => construct("it", `msk-lambda:index:${c.component}`, json), { stack: c.environment });
            const Ctor = COMPONENTS[c.component as keyof typeof COMPONENTS] as unknown as new (name: string, args: unknown) => unknown;
            const viaTs = await run(() => void new Ctor("it", c.args), { stack: c.environment });
            assert.ok(shape(viaTs).length >= 2);
            assert.deepStrictEqual(shape(viaConstruct), shape(viaTs));
        });
    }
});

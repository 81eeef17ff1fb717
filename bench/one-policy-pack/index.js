// The boot-time reference for `npm run bench`: a one-policy pack in plain JavaScript, booted through the CLI's entry
// from the same node_modules as the real pack.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("one-policy", {
    policies: [
        {
            name: "queue-has-name",
            description: "An SQS queue has a name.",
            enforcementLevel: "advisory",
            validateResource: (args, report) => {
                if (args.type === "aws:sqs/queue:Queue" && !args.props.name) report("The queue has no name.");
            },
        },
    ],
});

// A C# program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").
// `pulumi package add <path or git URL of msk-lambda>` generates the Pulumi.MskLambda SDK. The Stack component builds
// the whole stack from the same settings as a TypeScript stack file's `msk-lambda:` keys. Not compiled by the tests:
// this machine has no .NET SDK.
using System.Collections.Generic;
using Pulumi;
using MskLambda = Pulumi.MskLambda;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var stack = new MskLambda.Stack("kafka", new MskLambda.StackArgs
    {
        Settings = new MskLambda.Inputs.StackSettingsArgs
        {
            Environment = MskLambda.StackEnvironment.Prod,
            Network = new MskLambda.Inputs.NetworkSettingsArgs { Mode = MskLambda.NetworkMode.Nat, CidrBlock = "10.30.0.0/16", AzCount = 3 },
            Cluster = new MskLambda.Inputs.ClusterSettingsArgs { Authentication = MskLambda.ClusterAuthentication.Scram, EbsVolumeGb = 500, AzCount = 3 },
            Consumers =
            {
                new MskLambda.Inputs.ConsumerSettingsArgs
                {
                    Name = "orders",
                    Topic = "orders",
                    BatchSize = 500,
                    OnFailure = new MskLambda.Inputs.FailureDestinationSettingsArgs { Type = MskLambda.FailureDestinationType.S3 },
                },
            },
        },
        // A generated password unless the stack's config has one (pulumi config set --secret scramPassword ...).
        ScramPassword = config.GetSecret("scramPassword"),
    });

    return new Dictionary<string, object?>
    {
        ["clusterArn"] = stack.ClusterArn,
        ["bootstrapBrokers"] = stack.BootstrapBrokers,
    };
});

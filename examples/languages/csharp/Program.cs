// A C# program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").
// `pulumi package add <path or git URL of msk-lambda>` generates the Pulumi.MskLambda SDK. Not compiled by the
// tests: this machine has no .NET SDK.
using System.Collections.Generic;
using Pulumi;
using MskLambda = Pulumi.MskLambda;

return await Deployment.RunAsync(() =>
{
    var failures = new MskLambda.Destination("failures", new MskLambda.DestinationArgs
    {
        Type = MskLambda.DestinationType.Sqs,
        Environment = MskLambda.StackEnvironment.Prod,
        PhysicalName = "orders-failures",
        SenderRoleArns = { "arn:aws:iam::111122223333:role/orders-consumer" },
        Tags = { { "team", "data" } },
    });

    return new Dictionary<string, object?>
    {
        ["failureQueueArn"] = failures.Arn,
        ["failureKeyArn"] = failures.KmsKeyArn,
    };
});

// A Go program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").
// `pulumi package add <path or git URL of msk-lambda>` generates the Go SDK and prints the module path to require
// (replace the import below with it). The Stack component builds the whole stack from the same settings as a
// TypeScript stack file's `msk-lambda:` keys. Not compiled by the tests: this machine has no Go toolchain (the
// SDK's exact type names are what `pulumi package add` generates from the schema).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	msklambda "github.com/pulumi/pulumi-msk-lambda/sdk/go/msk-lambda"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		stack, err := msklambda.NewStack(ctx, "kafka", &msklambda.StackArgs{
			Settings: msklambda.StackSettingsArgs{
				Environment: msklambda.StackEnvironmentProd,
				Network: &msklambda.NetworkSettingsArgs{
					Mode:      msklambda.NetworkModeNat.ToNetworkModePtr(),
					CidrBlock: pulumi.StringRef("10.30.0.0/16"),
					AzCount:   pulumi.Float64Ref(3),
				},
				Cluster: &msklambda.ClusterSettingsArgs{
					Authentication: msklambda.ClusterAuthenticationScram.ToClusterAuthenticationPtr(),
					EbsVolumeGb:    pulumi.Float64Ref(500),
					AzCount:        pulumi.Float64Ref(3),
				},
				Consumers: []msklambda.ConsumerSettingsArgs{
					{
						Name:      "orders",
						Topic:     "orders",
						BatchSize: pulumi.Float64Ref(500),
						OnFailure: &msklambda.FailureDestinationSettingsArgs{
							Type: msklambda.FailureDestinationTypeS3.ToFailureDestinationTypePtr(),
						},
					},
				},
			},
			// No ScramPassword: the stack generates one (pass it as a secret to choose it).
		})
		if err != nil {
			return err
		}
		ctx.Export("clusterArn", stack.ClusterArn)
		ctx.Export("bootstrapBrokers", stack.BootstrapBrokers)
		return nil
	})
}

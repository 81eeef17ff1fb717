// A Go program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").
// `pulumi package add <path or git URL of msk-lambda>` generates the Go SDK and prints the module path to require
// (replace the import below with it). Not compiled by the tests: this machine has no Go toolchain.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	msklambda "github.com/pulumi/pulumi-msk-lambda/sdk/go/msk-lambda"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		failures, err := msklambda.NewDestination(ctx, "failures", &msklambda.DestinationArgs{
			Type:           msklambda.DestinationTypeSqs,
			Environment:    msklambda.StackEnvironmentProd,
			PhysicalName:   "orders-failures",
			SenderRoleArns: pulumi.StringArray{pulumi.String("arn:aws:iam::111122223333:role/orders-consumer")},
			Tags:           map[string]string{"team": "data"},
		})
		if err != nil {
			return err
		}
		ctx.Export("failureQueueArn", failures.Arn)
		ctx.Export("failureKeyArn", failures.KmsKeyArn)
		return nil
	})
}

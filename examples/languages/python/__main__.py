"""A Python program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").

`pulumi package add <path or git URL of msk-lambda>` generates the `pulumi_msk_lambda` SDK. Parsed by
tests/component-package.test.ts (python3 -m py_compile).
"""
import pulumi
import pulumi_msk_lambda as msk_lambda

failures = msk_lambda.Destination(
    "failures",
    type=msk_lambda.DestinationType.SQS,
    environment=msk_lambda.StackEnvironment.PROD,
    physical_name="orders-failures",
    sender_role_arns=["arn:aws:iam::111122223333:role/orders-consumer"],
    tags={"team": "data"},
)

pulumi.export("failureQueueArn", failures.arn)
pulumi.export("failureKeyArn", failures.kms_key_arn)

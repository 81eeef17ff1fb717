"""A Python program using the msk-lambda component package (README, "Use from Python, Go, C# or YAML").

`pulumi package add <path or git URL of msk-lambda>` generates the `pulumi_msk_lambda` SDK. This program composes the
components one by one (the `Stack` component does the same in one resource): each takes plain data, and each
`settings` has the keys, defaults and checks of the stack file's `msk-lambda:` key of the same name (README, config
reference). Parsed by tests/component-package.test.ts (python3 ast.parse).
"""
import pulumi
import pulumi_msk_lambda as msk_lambda

environment = msk_lambda.StackEnvironment.PROD
base_name = f"{pulumi.get_project()}-{pulumi.get_stack()}"
tags = {"team": "data"}

network = msk_lambda.Network(
    "network",
    settings=msk_lambda.NetworkSettingsArgs(mode=msk_lambda.NetworkMode.NAT, cidr_block="10.30.0.0/16", az_count=3),
    broker_port=9096,  # SASL/SCRAM
    create_cluster_security_group=True,
    failure_destination_types=[msk_lambda.FailureDestinationType.S3],
    tags=tags,
)

cluster = msk_lambda.KafkaCluster(
    "kafka",
    settings=msk_lambda.ClusterSettingsArgs(authentication=msk_lambda.ClusterAuthentication.SCRAM, ebs_volume_gb=500, az_count=3),
    environment=environment,
    cluster_name=base_name,
    subnet_ids=network.cluster_subnet_ids,
    security_group_ids=network.cluster_security_group_ids,
    tags=tags,
)

credentials = msk_lambda.ClusterCredentials(
    "credentials",
    authentication=msk_lambda.ClusterAuthentication.SCRAM,
    environment=environment,
    base_name=base_name,
    cluster_arn=cluster.cluster_arn,
    associate=True,
    scram_password=pulumi.Config().get_secret("scramPassword"),  # None: a generated password
    tags=tags,
)

alerts = msk_lambda.Alerts("alerts", environment=environment, base_name=base_name, tags=tags)

orders = msk_lambda.Consumer(
    "consumer-orders",
    settings=msk_lambda.ConsumerSettingsArgs(
        name="orders",
        topic="orders",  # an existing topic here (the KafkaTopics component or the Stack creates topics)
        batch_size=500,
        provisioned_pollers=msk_lambda.ProvisionedPollersSettingsArgs(minimum=2, maximum=20),
        filters=['{"value":{"type":["order"]}}'],
        on_failure=msk_lambda.FailureDestinationSettingsArgs(type=msk_lambda.FailureDestinationType.S3),
    ),
    environment=environment,
    base_name=base_name,
    cluster_arn=cluster.cluster_arn,
    authentication=msk_lambda.ClusterAuthentication.SCRAM,
    credentials_secret_arn=credentials.secret_arn,
    credentials_kms_key_arn=credentials.kms_key_arn,
    alarm_topic_arn=alerts.topic_arn,
    tags=tags,
    # Only the mapping waits for the pollers' network path and the secret (Lambda checks both when it creates it).
    wait_for=[network.poller_path_ready, credentials.secret_ready],
)

pulumi.export("clusterArn", cluster.cluster_arn)
pulumi.export("bootstrapBrokers", cluster.bootstrap_brokers)
pulumi.export("ordersFailureDestinationArn", orders.failure_destination_arn)

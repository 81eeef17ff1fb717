/**
 * Facts from AWS's documentation, written out literally for the tests' stacks (what another team's program would
 * write), so that a change to the program's or the pack's own lists is caught by the tests rather than followed by them.
 */

/**
 * Lambda, "Configuring Lambda execution role permissions" (Amazon MSK) and "Configuring self-managed Apache Kafka
 * event sources for Lambda": the network-interface actions the execution role needs for the pollers' interfaces.
 */
export const LAMBDA_ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
];

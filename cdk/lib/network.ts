import {
  CfnEIP,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  SecurityGroup,
  SubnetType,
  Vpc,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** NAT gateways: 1 (default, one AZ's egress depends on the other's gateway) or 2 (one per AZ). */
  readonly natGateways?: number;
  /** The VPC's IPv4 range; pick one that overlaps none of the networks it will be peered or VPN-connected with. */
  readonly cidr?: string;
}

export const defaultVpcCidr = '10.0.0.0/16';
export const flowLogRetention = RetentionDays.ONE_MONTH;
export const networkAzs = 2;

/**
 * jsii's IVpc declares `vpnGatewayId: string | undefined` where Vpc has `vpnGatewayId?: string`, which
 * exactOptionalPropertyTypes rejects; the object is the same, only the declarations differ.
 */
const asIVpc = (vpc: Vpc): IVpc => vpc as IVpc;

/**
 * Where OpsConductor meets managed hosts: a VPC over two AZs whose private subnets reach out
 * through NAT. Connection tests and discovery (the targets function) run here, and so will the
 * runner's tasks; hosts in private networks are reached by peering this VPC or attaching a VPN or
 * Transit Gateway to it. Flow logs record every connection made from it.
 */
export class Network extends Construct {
  readonly vpc: IVpc;
  /** The private subnets with egress, where host-facing compute runs. */
  readonly hostSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
  /**
   * Host-facing compute's security group: every egress (SSH, WinRM and discovery dial user-chosen
   * hosts and ports), no ingress. Hosts' firewalls can allow connections from it across a peering.
   */
  readonly hostAccess: SecurityGroup;
  readonly flowLogs: LogGroup;
  /** The NAT gateways' public addresses: connections to hosts outside the VPC's private routes come from these. */
  readonly natPublicIps: string[];

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const natGateways = props.natGateways ?? 1;
    if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > networkAzs) {
      throw new Error(`natGateways must be 1 or ${String(networkAzs)} (the private subnets need egress), not ${String(natGateways)}.`);
    }

    this.flowLogs = new LogGroup(this, 'FlowLogs', { retention: flowLogRetention });
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.cidr ?? defaultVpcCidr),
      maxAzs: networkAzs,
      natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // The default security group allows nothing; everything that runs here names its own.
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: { destination: FlowLogDestination.toCloudWatchLogs(this.flowLogs), trafficType: FlowLogTrafficType.ALL },
      },
    });
    this.vpc = asIVpc(vpc);
    // Table traffic stays on the AWS network and off the NAT gateway's per-GB charge (gateway endpoints are free).
    vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.hostSubnets] });

    this.natPublicIps = vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild('EIP');
      return eip instanceof CfnEIP ? [eip.attrPublicIp] : [];
    });

    this.hostAccess = new SecurityGroup(this, 'HostAccess', {
      vpc: this.vpc,
      description: 'OpsConductor host access: all egress to managed hosts, no ingress',
      allowAllOutbound: true,
    });
  }
}

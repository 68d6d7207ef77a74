// One apsync Lambda function as the service stack builds it from a registry entry: Node.js 24 on ARM64,
// an ESM bundle made by local esbuild, Powertools environment, active tracing, its own log group with
// retention, and its own role holding only the log permissions (the stack adds the resource grants).
import { AssetStaging, type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../../shared/function-registry.ts';
import { bundlingFor } from './bundling.ts';
import type { ApsyncConfiguration } from './config.ts';

export interface ApsyncFunctionProps {
  readonly definition: FunctionDefinition;
  readonly config: ApsyncConfiguration;
  readonly projectRoot: string;
  readonly timeout: Duration;
  /** Resource names and settings; Powertools variables are added here. */
  readonly environment: Readonly<Record<string, string>>;
}

export class ApsyncFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ApsyncFunctionProps) {
    super(scope, id);
    const { definition, config } = props;
    this.functionName = `${config.prefix}-${definition.name}`;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: config.retention.logDays as logs.RetentionDays,
      // Bounded by retention; a retained, explicitly named log group would block a redeploy.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy, which allows writing to
    // every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `apsync ${definition.name}: only the resources its registry entry lists`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      description: definition.description,
      entry: `${props.projectRoot}/${definition.entry}`,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      bundling: bundlingFor(definition.entry),
      environment: {
        POWERTOOLS_SERVICE_NAME: definition.name,
        POWERTOOLS_METRICS_NAMESPACE: config.prefix,
        LOG_LEVEL: config.logLevel,
        ...props.environment,
      },
    });
  }

  /** Directory holding this function's bundle (index.mjs) as esbuild wrote it during synthesis. */
  get bundleDirectory(): string {
    const staging = this.function.node
      .findChild('Code')
      .node.children.find((child): child is AssetStaging => child instanceof AssetStaging);
    if (staging === undefined) throw new Error(`${this.functionName}: no bundled asset`);
    return staging.absoluteStagedPath;
  }
}

// The operator console on AWS: functions/operator-console behind the HTTP API's `/console` routes, a
// Cognito user pool whose users the operator creates (no self sign-up, MFA required) with its hosted UI
// and a public app client (authorization code + PKCE), and the function's own grants: reading the work
// queues' depth, peeking and redriving the dead-letter queues. Its registry entry's environment and
// grants (the state table, sending to the work queues, reading the NetSuite and Procurify secrets for the
// preview of a record's next write) are the service stack's, as for every function.
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consoleEnvironmentNames } from '../../shared/console/environment.ts';
import { operatorConsoleDefinition } from '../../shared/function-registry.ts';
import { type QueueKey, settingNames } from '../../shared/resources.ts';
import { ApsyncFunction } from './apsync-function.ts';
import type { ApsyncConfiguration } from './config.ts';
import { deadLetterRedriveActions } from './operator-policy.ts';

export interface ConsoleQueue {
  queue: sqs.IQueue;
  url: string;
  deadLetterQueue: sqs.IQueue;
  deadLetterUrl: string;
}

export interface OperatorConsoleProps {
  config: ApsyncConfiguration;
  /**
   * Its registry entry's resources and the settings (the service stack's environmentOf, as for every
   * function), so the record page's preview of the next write reads NetSuite and Procurify as the
   * workers do.
   */
  environment: Readonly<Record<string, string>>;
  api: apigw.HttpApi;
  /** The stage URL, ending in `/`. */
  apiUrl: string;
  queues: Record<QueueKey, ConsoleQueue>;
  projectRoot: string;
}

export class OperatorConsole extends Construct {
  readonly url: string;
  readonly userPool: cognito.UserPool;
  readonly function: ApsyncFunction;

  constructor(scope: Construct, id: string, props: OperatorConsoleProps) {
    super(scope, id);
    const { config } = props;
    this.url = `${props.apiUrl}console/`;

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${config.prefix}-console`,
      // The operator creates the users (aws cognito-idp admin-create-user); nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // The users outlive the stack; the pool of a first deploy that rolls back is deleted (it has none).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'A handful of operator users created by an administrator, MFA required, no self sign-up: the ' +
        'Essentials tier suffices; the Plus tier (threat protection) can be switched on per deployment.',
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `${config.prefix}-console-${Aws.ACCOUNT_ID}` },
    });
    const client = this.userPool.addClient('Browser', {
      // A public client: the browser flow uses PKCE, so no client secret exists to leak.
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${this.url}callback`],
        logoutUrls: [this.url],
      },
      idTokenValidity: Duration.hours(8),
      accessTokenValidity: Duration.hours(1),
    });

    const environment: Record<string, string> = {
      ...props.environment,
      // A preview makes a few NetSuite reads one after another: one permit, like a scheduled run
      // (netsuite-concurrency.ts); the client's governor absorbs an overlap with the workers.
      [settingNames.netsuiteConcurrencyShare]: '1',
      [consoleEnvironmentNames.inboundDeadLetterQueueUrl]: props.queues.inbound.deadLetterUrl,
      [consoleEnvironmentNames.billDeadLetterQueueUrl]: props.queues.bill.deadLetterUrl,
      [consoleEnvironmentNames.paymentDeadLetterQueueUrl]: props.queues.payment.deadLetterUrl,
      [consoleEnvironmentNames.cognitoIssuer]: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`,
      [consoleEnvironmentNames.cognitoDomainUrl]: domain.baseUrl(),
      [consoleEnvironmentNames.cognitoClientId]: client.userPoolClientId,
      [consoleEnvironmentNames.basePath]: '/console/',
      [consoleEnvironmentNames.consoleUrl]: this.url,
    };
    this.function = new ApsyncFunction(this, 'Function', {
      definition: operatorConsoleDefinition,
      config,
      projectRoot: props.projectRoot,
      timeout: Duration.seconds(operatorConsoleDefinition.timeoutSeconds ?? 20),
      environment,
    });

    const role = this.function.role;
    const queues = Object.values(props.queues);
    // The overview shows each work queue's depth.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:GetQueueAttributes'],
        resources: queues.map((entry) => entry.queue.queueArn),
      }),
    );
    // Peek (receive, then release) and StartMessageMoveTask back to the source queue.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...deadLetterRedriveActions],
        resources: queues.map((entry) => entry.deadLetterQueue.queueArn),
      }),
    );

    const integration = new HttpLambdaIntegration('Integration', this.function.function, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    const routes = [
      ...props.api.addRoutes({ path: '/console', methods: [apigw.HttpMethod.GET], integration }),
      ...props.api.addRoutes({
        path: '/console/{proxy+}',
        methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
        integration,
      }),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Browsers navigate to the console, so an API Gateway JWT authorizer (Authorization header) cannot ' +
          'sign them in: the function runs the Cognito hosted-UI code flow with PKCE and verifies the ID ' +
          'token (issuer, audience, expiry) on every request; every POST also needs a CSRF token.',
      });
    }
  }
}

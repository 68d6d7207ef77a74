// Assertion tests of the two stacks, synthesized once with every registry function (the ones that do
// not exist yet are the fixture handler, so SQS event sources, schedules and their grants are real):
// queue and DLQ wiring, schedules, API route, least-privilege IAM, empty secrets, alarms, outputs.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { Duration } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, projectRoot } from '../../infra/cdk/build-app.ts';
import { builtinAliases, esmRequireBanner, stackTracesFile } from '../../infra/cdk/esbuild-options.ts';
import { allocateNetSuiteConcurrency } from '../../infra/cdk/netsuite-concurrency.ts';
import { scheduleRateMinutes, tableActions } from '../../infra/cdk/service-stack.ts';
import { outputKeys } from '../../infra/cdk/stack-outputs.ts';
import { isOwnSource } from '../../infra/cdk/trim-source-map.ts';
import { queueOf, scheduleOf } from '../../shared/function-registry.ts';
import { dataFailureMetrics } from '../../shared/lambda/metric-names.ts';
import {
  digestEnvironmentNames,
  environmentNames,
  type QueueKey,
  queueDefinitions,
  resourceNames,
  scheduleDeadLetterQueueName,
  settingNames,
  tableDefinitions,
  visibilityTimeoutSeconds,
} from '../../shared/resources.ts';
import {
  asArray,
  buildTestApp,
  type CfnTemplate,
  flatten,
  functionLogicalId,
  registryWithFixtures,
  resourceById,
  resourcesOfType,
  statementsOfRole,
  testConfiguration,
} from './synthesis.ts';

const names = resourceNames('apsync');
let built: BuiltApp;
let stateful: Template;
let service: Template;
let statefulJson: CfnTemplate;
let serviceJson: CfnTemplate;

beforeAll(() => {
  ({ built } = buildTestApp());
  stateful = Template.fromStack(built.stateful);
  service = Template.fromStack(built.service);
  statefulJson = stateful.toJSON() as CfnTemplate;
  serviceJson = service.toJSON() as CfnTemplate;
});

const queueByName = (name: string) => {
  const found = resourcesOfType(statefulJson, 'AWS::SQS::Queue').find(
    ([, q]) => q.Properties.QueueName === name,
  );
  if (found === undefined) throw new Error(`no queue ${name}`);
  return { id: found[0], properties: found[1].Properties };
};

describe('stateful stack', () => {
  it('keeps tables on delete except when their first create rolls back, with point-in-time recovery and TTL on the attributes from resources.ts', () => {
    for (const [key, definition] of Object.entries(tableDefinitions)) {
      stateful.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: names.tables[key as keyof typeof names.tables],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
          DeletionProtectionEnabled: Match.absent(),
          KeySchema: Match.arrayWith([{ AttributeName: definition.partitionKey, KeyType: 'HASH' }]),
        }),
      });
    }
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: names.tables.state,
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byState',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('gives every work queue its DLQ after at least 5 receives, a longer-lived DLQ and 6x visibility', () => {
    for (const key of Object.keys(queueDefinitions) as QueueKey[]) {
      const queue = queueByName(names.queues[key]);
      const dlq = queueByName(names.deadLetterQueues[key]);
      const redrive = queue.properties.RedrivePolicy as {
        deadLetterTargetArn: unknown;
        maxReceiveCount: number;
      };
      expect(flatten(redrive.deadLetterTargetArn)).toBe(`<${dlq.id}.Arn>`);
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(queue.properties.VisibilityTimeout).toBe(visibilityTimeoutSeconds(key));
      expect(dlq.properties.MessageRetentionPeriod as number).toBeGreaterThan(
        queue.properties.MessageRetentionPeriod as number,
      );
    }
  });

  it('encrypts every queue and refuses non-TLS access to it', () => {
    const queues = resourcesOfType(statefulJson, 'AWS::SQS::Queue');
    expect(queues.map(([, q]) => q.Properties.QueueName)).toContain(scheduleDeadLetterQueueName('apsync'));
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const policies = resourcesOfType(statefulJson, 'AWS::SQS::QueuePolicy').filter(([, policy]) =>
        (policy.Properties.Queues as unknown[]).some((ref) => flatten(ref) === `<${id}>`),
      );
      const statements = policies.flatMap(
        ([, policy]) =>
          (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('creates the secrets empty and keeps them on delete (not on a rolled-back create): no value anywhere in either template', () => {
    for (const secretName of Object.values(names.secrets)) {
      stateful.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
        Properties: { Name: secretName, Description: Match.anyValue() },
      });
    }
    for (const template of [statefulJson, serviceJson]) {
      const text = JSON.stringify(template);
      expect(text).not.toMatch(/SecretString/); // also matches GenerateSecretString
      expect(text).not.toMatch(/SecretBinary|whsec_|BEGIN [A-Z ]*PRIVATE KEY/);
    }
  });
});

describe('functions', () => {
  it('deploys every registry function: Node.js 24 on ARM64, traced, with its own log group', () => {
    expect(built.deployed.map((d) => d.name)).toEqual(registryWithFixtures().map((d) => d.name));
    for (const definition of built.deployed) {
      const logGroup = new Capture();
      service.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `apsync-${definition.name}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: definition.memoryMb,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: logGroup }),
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: definition.name,
            POWERTOOLS_METRICS_NAMESPACE: 'apsync',
            LOG_LEVEL: 'INFO',
            // No --enable-source-maps: each bundle maps its stack traces itself, on demand
            // (shared/lambda/source-mapped-stack-traces.ts).
            NODE_OPTIONS: Match.absent(),
          }),
        },
      });
      const logGroupId = flatten(logGroup.asObject()).slice(1, -1);
      expect(resourceById(serviceJson, logGroupId).Properties).toMatchObject({
        LogGroupName: `/aws/lambda/apsync-${definition.name}`,
        RetentionInDays: testConfiguration.retention.logDays,
      });
    }
  });

  it('bundles with local esbuild into ESM files, split at dynamic imports, each with the banner lines it needs', () => {
    const ingestAsset = built.service.functions.get('webhook-ingest')?.construct.bundleDirectory;
    const files = readdirSync(ingestAsset!).sort();
    const modules = files.filter((file) => file.endsWith('.mjs'));
    expect(modules).toContain('index.mjs');
    // Each file with its source map, and nothing else.
    expect(files.filter((file) => !file.endsWith('.mjs'))).toEqual(modules.map((file) => `${file}.map`));
    const sourceOf = (file: string) => readFileSync(`${ingestAsset}/${file}`, 'utf8');
    // The module that maps stack traces (shared/lambda/source-mapped-stack-traces.ts) is a file of its own,
    // imported first by every other, so it runs before any of their code.
    expect(modules).toContain(stackTracesFile);
    expect(sourceOf(stackTracesFile)).toContain('Error.prepareStackTrace=');
    const withRequire: string[] = [];
    const withoutRequire: string[] = [];
    for (const file of modules.filter((name) => name !== stackTracesFile)) {
      const bundle = sourceOf(file);
      // Line 1: the createRequire banner, or blank in a file that never calls `require` (esbuild's
      // __require shim and a CommonJS module's require(…) both need it in scope); line 2: index.mjs imports
      // the stack traces' module before anything else, the other files (loaded after it) do not.
      const [first, second, ...rest] = bundle.split('\n');
      const body = rest.join('\n');
      if (first === esmRequireBanner) withRequire.push(file);
      else {
        expect(first).toBe('');
        expect(body).not.toMatch(/typeof require|(?<![\w$.])require\s*\(/);
        withoutRequire.push(file);
      }
      expect(second).toBe(file === 'index.mjs' ? `import "./${stackTracesFile}";` : '');
      expect(rest.join('\n')).not.toContain(stackTracesFile);
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//); // the SDK is bundled, not left to the runtime
      // Node built-ins come through infra/cdk/node-builtins/ (process.getBuiltinModule), never as ES module
      // imports: node:http's ES module facade alone loads undici at init (infra/cdk/esbuild-options.ts).
      const builtinImports = bundle.match(/(?:from\s*|import\s*\(\s*)["'](?:node:)?[a-z0-9_/]+["']/g) ?? [];
      expect(builtinImports.filter((statement) => !statement.includes('node:module'))).toEqual([]);
      // The source maps hold our sources only (infra/cdk/trim-source-map.ts).
      const map = JSON.parse(sourceOf(`${file}.map`)) as { sources: string[] };
      expect(map.sources.filter((source) => !isOwnSource(source))).toEqual([]);
    }
    // Both kinds occur: index.mjs (the SDK's CommonJS parts) keeps the banner, some chunk drops it.
    expect(withRequire).toContain('index.mjs');
    expect(withoutRequire.length).toBeGreaterThan(0);
    expect(modules.some((file) => sourceOf(file).includes('getBuiltinModule("node:http")'))).toBe(true);
    const map = JSON.parse(sourceOf('index.mjs.map')) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith('functions/webhook-ingest/index.ts'))).toBe(true);
    // What index.mjs loads at init (its static imports, theirs, ...) leaves out the STS client, which
    // only the SDK's credential providers import, dynamically (infra/cdk/split-bundle.ts).
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const [, chunk] of sourceOf(file).matchAll(/(?:from|import)\s*"\.\/([^"]+\.mjs)"/g)) visit(chunk!);
    };
    visit('index.mjs');
    const sts = modules.filter((file) => file.startsWith('sts-'));
    expect(sts).toHaveLength(1);
    expect(loaded.has(sts[0]!)).toBe(false);
    expect(modules.some((file) => sourceOf(file).includes(`import("./${sts[0]}")`))).toBe(true);
  });

  it('aliases every Node built-in it has a shim for, under both its names', () => {
    const aliases = builtinAliases();
    expect(aliases).toContain('node:http=./infra/cdk/node-builtins/http.cjs');
    expect(aliases).toContain('http=./infra/cdk/node-builtins/http.cjs');
    expect(aliases).toContain('node:fs/promises=./infra/cdk/node-builtins/fs-promises.cjs');
    for (const alias of aliases) {
      const [name, shim] = alias.split('=') as [string, string];
      const source = readFileSync(`${projectRoot}/${shim}`, 'utf8');
      expect(source).toContain(`process.getBuiltinModule('node:${name.replace(/^node:/, '')}')`);
    }
    // esbuild applies an alias to subpaths too (node:stream → …/stream.cjs/promises, which does not
    // exist), so each subpath of an aliased built-in has its own shim.
    const aliased = new Set(aliases.map((alias) => alias.split('=')[0]!));
    const subpaths = builtinModules.filter((name) => name.includes('/') && aliased.has(name.split('/')[0]!));
    expect(subpaths).toContain('stream/promises');
    expect(subpaths.filter((name) => !aliased.has(name))).toEqual([]);
  });

  it('gives each function the names of exactly the resources it uses, and the settings', () => {
    const variables = (name: string) =>
      resourceById(serviceJson, functionLogicalId(serviceJson, `apsync-${name}`)).Properties.Environment as {
        Variables: Record<string, unknown>;
      };
    const ingest = variables('webhook-ingest').Variables;
    expect(ingest[environmentNames.idempotencyTable]).toBe(names.tables.idempotency);
    expect(ingest[environmentNames.webhookSecret]).toBe(names.secrets.webhook);
    expect(flatten(ingest[environmentNames.inboundQueueUrl])).toBe(
      `https://sqs.<AWS::Region>.<AWS::URLSuffix>/<AWS::AccountId>/${names.queues.inbound}`,
    );
    expect(ingest).not.toHaveProperty(environmentNames.stateTable);
    expect(ingest).not.toHaveProperty(environmentNames.netsuiteSecret);
    expect(ingest).not.toHaveProperty(settingNames.netsuiteConcurrencyShare);

    const bill = variables('bill-sync-worker').Variables;
    expect(bill).toMatchObject({
      [environmentNames.stateTable]: names.tables.state,
      [environmentNames.netsuiteSecret]: names.secrets.netsuite,
      [settingNames.netsuiteBaseUrl]: 'https://1234567-sb1.suitetalk.api.netsuite.com',
      [settingNames.procurifyBaseUrl]: 'https://acme.procurify.com',
      [settingNames.subsidiaryScope]: '1,3',
      [settingNames.vendorSyncFlagField]: 'custentity_apsync_sync',
      [settingNames.defaultPaymentMode]: 'push',
      [settingNames.auditRetentionDays]: '400',
      [settingNames.idempotencyRetentionDays]: '7',
      [settingNames.netsuiteConcurrencyShare]: '1',
      [settingNames.netsuiteTimeZone]: 'America/Los_Angeles',
    });
    // The NetSuite time zone reaches the poll, which compares its watermarks in it.
    expect(variables('netsuite-poll').Variables[settingNames.netsuiteTimeZone]).toBe('America/Los_Angeles');
    // Unset optional settings are absent, so the code's own defaults apply.
    expect(bill).not.toHaveProperty(settingNames.retryBaseSeconds);
    expect(bill).not.toHaveProperty(settingNames.departmentLocationId);
    expect(bill).not.toHaveProperty(environmentNames.webhookSecret);
  });
});

describe('SQS event sources', () => {
  const workers = registryWithFixtures().filter((d) => queueOf(d) !== undefined);
  const allocation = allocateNetSuiteConcurrency(testConfiguration.netsuite.concurrencyShare, workers);

  it('report batch item failures, with the registry batch size and NetSuite-derived max concurrency', () => {
    expect(workers.length).toBeGreaterThan(0);
    for (const worker of workers) {
      const queue = queueOf(worker)!;
      const mapping = resourcesOfType(serviceJson, 'AWS::Lambda::EventSourceMapping').find(
        ([, m]) =>
          flatten(m.Properties.FunctionName) ===
          `<${functionLogicalId(serviceJson, `apsync-${worker.name}`)}>`,
      );
      expect(mapping, worker.name).toBeDefined();
      const properties = mapping![1].Properties;
      expect(properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(flatten(properties.EventSourceArn)).toMatch(new RegExp(`:${names.queues[queue]}$`));
      expect(properties.BatchSize).toBe(worker.batch?.size);
      const expected = allocation.allotments.get(worker.name)?.maxConcurrency;
      expect(expected).toBeGreaterThanOrEqual(2);
      expect(properties.ScalingConfig).toEqual({ MaximumConcurrency: expected });
    }
    expect(allocation.plannedInstances).toBeLessThanOrEqual(testConfiguration.netsuite.concurrencyShare);
  });

  it('consume queues whose visibility timeout is at least 6x the function timeout plus the batching window', () => {
    const mappings = resourcesOfType(serviceJson, 'AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBe(workers.length);
    for (const [id, mapping] of mappings) {
      const queueName = flatten(mapping.Properties.EventSourceArn).split(':').pop()!;
      const functionId = flatten(mapping.Properties.FunctionName).slice(1, -1);
      const timeout = resourceById(serviceJson, functionId).Properties.Timeout as number;
      const window = (mapping.Properties.MaximumBatchingWindowInSeconds as number | undefined) ?? 0;
      expect(queueByName(queueName).properties.VisibilityTimeout as number, id).toBeGreaterThanOrEqual(
        6 * timeout + window,
      );
    }
  });
});

describe('schedules', () => {
  const scheduled = registryWithFixtures().filter((d) => scheduleOf(d) !== undefined);

  it('invoke each poller at its configured rate, with capped retries and event age and a DLQ', () => {
    expect(scheduled.map((d) => d.name).sort()).toEqual([
      'failure-digest',
      'netsuite-poll',
      'paid-bill-pull',
      'procurify-poll',
      'reconcile',
    ]);
    for (const definition of scheduled) {
      const minutes = scheduleRateMinutes(testConfiguration, scheduleOf(definition)!);
      const target = new Capture();
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: `apsync-${definition.name}`,
        ScheduleExpression: ScheduleExpression.rate(Duration.minutes(minutes)).expressionString,
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: target,
      });
      const value = target.asObject();
      expect(flatten(value.Arn)).toBe(`<${functionLogicalId(serviceJson, `apsync-${definition.name}`)}.Arn>`);
      expect(flatten((value.DeadLetterConfig as { Arn: unknown }).Arn)).toMatch(
        new RegExp(`:${scheduleDeadLetterQueueName('apsync')}$`),
      );
      const retry = value.RetryPolicy as { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
      expect(retry.MaximumRetryAttempts).toBeLessThanOrEqual(3);
      expect(retry.MaximumEventAgeInSeconds).toBeLessThanOrEqual(Math.min(minutes, 60) * 60);
      expect(JSON.parse(value.Input as string)).toMatchObject({
        schedule: scheduleOf(definition),
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });
    }
    expect(resourcesOfType(serviceJson, 'AWS::Scheduler::Schedule')).toHaveLength(scheduled.length);
  });

  it("sends a scheduled function's failed asynchronous runs to the schedule DLQ after one retry", () => {
    for (const definition of scheduled) {
      service.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionLogicalId(serviceJson, `apsync-${definition.name}`) },
        MaximumRetryAttempts: 1,
        DestinationConfig: {
          OnFailure: { Destination: Match.anyValue() },
        },
      });
    }
    for (const [, config] of resourcesOfType(serviceJson, 'AWS::Lambda::EventInvokeConfig')) {
      const destination = (config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } })
        .OnFailure;
      expect(flatten(destination.Destination)).toMatch(
        new RegExp(`:${scheduleDeadLetterQueueName('apsync')}$`),
      );
    }
  });

  it('lets the scheduler role invoke only its function and write only to the schedule DLQ', () => {
    const scheduleRoles = new Set(
      resourcesOfType(serviceJson, 'AWS::Scheduler::Schedule').map(([, s]) =>
        flatten((s.Properties.Target as { RoleArn: unknown }).RoleArn)
          .slice(1, -1)
          .replace(/\.Arn$/, ''),
      ),
    );
    expect(scheduleRoles.size).toBe(scheduled.length);
    for (const role of scheduleRoles) {
      const statements = statementsOfRole(serviceJson, role);
      const invoke = statements.filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
      expect(invoke).toHaveLength(1);
      expect(asArray(invoke[0]!.Resource).map(flatten)).toEqual([expect.stringMatching(/^<\w+\.Arn>$/)]);
      for (const statement of statements) {
        expect(
          asArray(statement.Action).every((a) => a === 'lambda:InvokeFunction' || a === 'sqs:SendMessage'),
        ).toBe(true);
      }
    }
  });
});

describe('webhook API', () => {
  it('routes POST /netsuite/events to the ingest function, throttled, with JSON access logs', () => {
    const integration = new Capture();
    service.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /netsuite/events',
      Target: integration,
    });
    const integrationId = flatten(integration.asObject()).match(/<(\w+)>/)?.[1];
    expect(resourceById(serviceJson, integrationId!).Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    expect(flatten(resourceById(serviceJson, integrationId!).Properties.IntegrationUri)).toBe(
      `<${functionLogicalId(serviceJson, 'apsync-webhook-ingest')}.Arn>`,
    );
    // The webhook route, and the operator console's (operator-console.test.ts).
    expect(
      resourcesOfType(serviceJson, 'AWS::ApiGatewayV2::Route')
        .map(([, route]) => route.Properties.RouteKey)
        .sort(),
    ).toEqual(['GET /console', 'GET /console/{proxy+}', 'POST /console/{proxy+}', 'POST /netsuite/events']);

    const format = new Capture();
    service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: testConfiguration.api.rateLimit,
        ThrottlingBurstLimit: testConfiguration.api.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: format },
    });
    expect(JSON.parse(format.asString())).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });
});

describe('IAM', () => {
  const policies = () => [
    ...resourcesOfType(statefulJson, 'AWS::IAM::Policy'),
    ...resourcesOfType(serviceJson, 'AWS::IAM::Policy'),
  ];

  it('grants no wildcard action, and "*" resources only to X-Ray', () => {
    expect(policies().length).toBeGreaterThan(0);
    expect(
      resourcesOfType(serviceJson, 'AWS::IAM::Role').every(
        ([, r]) => r.Properties.ManagedPolicyArns === undefined,
      ),
    ).toBe(true);
    for (const [id, policy] of policies()) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement) {
        const actions = asArray(statement.Action as string | string[]);
        expect(
          actions.filter((a) => a === '*' || a.endsWith(':*')),
          id,
        ).toEqual([]);
        if (
          asArray(statement.Resource)
            .map(flatten)
            .some((r) => r.includes('*'))
        ) {
          expect(statement.Resource, id).toBe('*');
          expect(actions.sort(), id).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('gives each function only the tables, queues and secrets of its registry entry', () => {
    const roleOf = (name: string) => {
      const role = resourceById(serviceJson, functionLogicalId(serviceJson, `apsync-${name}`)).Properties
        .Role;
      return flatten(role)
        .slice(1, -1)
        .replace(/\.Arn$/, '');
    };
    const resourcesFor = (name: string, action: string) =>
      statementsOfRole(serviceJson, roleOf(name))
        .filter((s) => asArray(s.Action).includes(action))
        .flatMap((s) => asArray(s.Resource).map(flatten));

    const arn = (service: string, rest: string) =>
      `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${rest}`;
    expect(resourcesFor('webhook-ingest', 'dynamodb:PutItem')).toEqual([
      arn('dynamodb', 'table/apsync-idempotency'),
    ]);
    expect(resourcesFor('webhook-ingest', 'sqs:SendMessage')).toEqual([arn('sqs', 'apsync-inbound')]);
    expect(resourcesFor('webhook-ingest', 'secretsmanager:GetSecretValue')).toEqual([
      arn('secretsmanager', 'secret:apsync/webhook-??????'),
    ]);
    expect(resourcesFor('webhook-ingest', 'dynamodb:Scan')).toEqual([]);
    // Scan: reconciliation only (one read of every link per run), on the state table only.
    for (const name of ['inbound-worker', 'netsuite-poll', 'bill-sync-worker', 'payment-push-worker']) {
      expect(resourcesFor(name, 'dynamodb:Scan'), name).toEqual([]);
    }
    expect(resourcesFor('reconcile', 'dynamodb:Scan')).toEqual([arn('dynamodb', 'table/apsync-state')]);

    // The failure digest publishes to the alarm topic (its ARN in the environment), and no other function
    // does; with no chat webhook configured it reads no secret.
    const topic = `<${resourcesOfType(serviceJson, 'AWS::SNS::Topic')[0]![0]}>`;
    expect(resourcesFor('failure-digest', 'sns:Publish')).toEqual([topic]);
    for (const name of ['webhook-ingest', 'inbound-worker', 'reconcile', 'paid-bill-pull']) {
      expect(resourcesFor(name, 'sns:Publish'), name).toEqual([]);
    }
    expect(resourcesFor('failure-digest', 'secretsmanager:GetSecretValue')).toEqual([]);
    expect(resourcesFor('failure-digest', 'dynamodb:Query')).toContain(
      arn('dynamodb', 'table/apsync-state/index/byState'),
    );
    const digestVariables = (
      resourceById(serviceJson, functionLogicalId(serviceJson, 'apsync-failure-digest')).Properties
        .Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(flatten(digestVariables[digestEnvironmentNames.alarmTopicArn])).toBe(topic);
    expect(digestVariables[digestEnvironmentNames.webhookSecret]).toBeUndefined();

    // Its queues, and the schedule DLQ as the on-failure destination of its asynchronous runs.
    expect(resourcesFor('procurify-poll', 'sqs:SendMessage').sort()).toEqual([
      arn('sqs', 'apsync-bill'),
      arn('sqs', 'apsync-payment'),
      arn('sqs', 'apsync-schedule-dlq'),
    ]);
    expect(resourcesFor('procurify-poll', 'secretsmanager:GetSecretValue')).toEqual([
      arn('secretsmanager', 'secret:apsync/procurify-??????'),
    ]);
    expect(resourcesFor('bill-sync-worker', 'dynamodb:Query').sort()).toEqual([
      arn('dynamodb', 'table/apsync-idempotency'),
      arn('dynamodb', 'table/apsync-state'),
      arn('dynamodb', 'table/apsync-state/index/byState'),
    ]);
    expect(resourcesFor('bill-sync-worker', 'sqs:ReceiveMessage')).toEqual([arn('sqs', 'apsync-bill')]);
    // Its own queue only: a bill whose lease another worker holds is sent again to wait.
    expect(resourcesFor('bill-sync-worker', 'sqs:SendMessage')).toEqual([arn('sqs', 'apsync-bill')]);
    // The state store's batched writes (audit entries with an outcome, a link's items) need their own action.
    for (const name of ['inbound-worker', 'bill-sync-worker', 'payment-push-worker']) {
      expect(resourcesFor(name, 'dynamodb:BatchWriteItem'), name).toContain(
        arn('dynamodb', 'table/apsync-state'),
      );
    }
  });

  it('grants every DynamoDB request the product code sends (read from the sources, not listed by hand)', () => {
    // lib-dynamodb command → the IAM action that authorises it; a transaction is authorised by its
    // items' own actions (Put/Update/Delete/ConditionCheck), which the access levels grant.
    const actionOf: Record<string, readonly string[]> = {
      GetCommand: ['dynamodb:GetItem'],
      PutCommand: ['dynamodb:PutItem'],
      UpdateCommand: ['dynamodb:UpdateItem'],
      DeleteCommand: ['dynamodb:DeleteItem'],
      QueryCommand: ['dynamodb:Query'],
      ScanCommand: ['dynamodb:Scan'],
      BatchGetCommand: ['dynamodb:BatchGetItem'],
      BatchWriteCommand: ['dynamodb:BatchWriteItem'],
      TransactWriteCommand: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
    };
    const sources = (dir: string): string[] =>
      readdirSync(`${projectRoot}/${dir}`, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readFileSync(`${projectRoot}/${dir}/${file}`, 'utf8'));
    const sent = new Set<string>();
    for (const source of [...sources('shared'), ...sources('functions')]) {
      if (!/from '@aws-sdk\/(lib|client)-dynamodb'/.test(source)) continue;
      for (const [, command] of source.matchAll(/new (\w+Command)\(/g)) sent.add(command!);
    }
    expect([...sent].filter((command) => actionOf[command] === undefined)).toEqual([]);
    expect(sent).toContain('BatchWriteCommand');
    const scanning = new Set(tableActions.readWriteScan);
    const writing = new Set(tableActions.readWrite);
    for (const command of sent) {
      for (const action of actionOf[command]!) {
        expect(scanning.has(action), `${command} needs ${action}`).toBe(true);
        if (action !== 'dynamodb:Scan') expect(writing.has(action), `${command} needs ${action}`).toBe(true);
      }
    }
  });
});

describe('alarms and outputs', () => {
  const alarmsOf = (metricName: string) =>
    resourcesOfType(serviceJson, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.MetricName === metricName,
    );

  it('alarm to the SNS topic (e-mailed) on DLQ messages, old messages, errors, throttles, lag and ingest errors', () => {
    const topic = resourcesOfType(serviceJson, 'AWS::SNS::Topic')[0]![0];
    service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    for (const [id, alarm] of resourcesOfType(serviceJson, 'AWS::CloudWatch::Alarm')) {
      expect((alarm.Properties.AlarmActions as unknown[]).map(flatten), id).toEqual([`<${topic}>`]);
    }
    const dlqAlarms = alarmsOf('ApproximateNumberOfMessagesVisible');
    expect(
      dlqAlarms.map(([, a]) => (a.Properties.Dimensions as { Value: string }[])[0]?.Value).sort(),
    ).toEqual([...Object.values(names.deadLetterQueues), scheduleDeadLetterQueueName('apsync')].sort());
    for (const [, alarm] of dlqAlarms)
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    expect(alarmsOf('ApproximateAgeOfOldestMessage')).toHaveLength(Object.keys(queueDefinitions).length);
    expect(alarmsOf('Errors')).toHaveLength(built.deployed.length);
    expect(alarmsOf('Throttles')).toHaveLength(built.deployed.length);
    const lag = alarmsOf('SyncLagSeconds');
    expect(lag.map(([, a]) => (a.Properties.Dimensions as { Value: string }[])[0]?.Value).sort()).toEqual([
      'netsuite-poll',
      'paid-bill-pull',
      'procurify-poll',
    ]);
    for (const [, alarm] of lag) expect(alarm.Properties.Namespace).toBe('apsync');
    expect(alarmsOf('5xx')).toHaveLength(1);
    expect(alarmsOf('4xx')).toHaveLength(1);
    service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // The topic's TLS-only policy replaces SNS's default one: CloudWatch must be allowed explicitly.
    service.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: Match.anyValue(), ArnLike: Match.anyValue() }),
          }),
        ]),
      },
    });
  });

  it('alarm on each data-failure kind: any failure in an hour, on the metric of the function that records it', () => {
    for (const { metricName, service: emitter } of Object.values(dataFailureMetrics)) {
      const alarms = alarmsOf(metricName);
      expect(alarms, metricName).toHaveLength(1);
      expect(alarms[0]![1].Properties, metricName).toMatchObject({
        Namespace: 'apsync',
        Dimensions: [{ Name: 'service', Value: emitter }],
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(built.deployed.map((definition) => definition.name)).toContain(emitter);
    }
    expect(alarmsOf('PaymentsFailed')[0]![1].Properties.AlarmName).toBe('apsync-payments-failed');
    expect(alarmsOf('BillsParked')[0]![1].Properties.AlarmName).toBe('apsync-bills-parked');
    expect(alarmsOf('PaidBillMarksFailed')[0]![1].Properties.AlarmName).toBe('apsync-paid-bill-marks-failed');
    expect(alarmsOf('RecordsInReview')[0]![1].Properties.AlarmName).toBe('apsync-records-in-review');
    // The dashboard graphs them too.
    const dashboard = JSON.stringify(resourcesOfType(serviceJson, 'AWS::CloudWatch::Dashboard')[0]![1]);
    for (const { metricName } of Object.values(dataFailureMetrics)) expect(dashboard).toContain(metricName);
  });

  it('outputs what the CLI reads under stable keys', () => {
    const outputs = serviceJson.Outputs ?? {};
    const value = (key: string) => flatten(outputs[key]?.Value);
    expect(value(outputKeys.webhookUrl)).toMatch(
      /^https:\/\/<\w+>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>\/netsuite\/events$/,
    );
    expect(value(outputKeys.apiUrl)).toMatch(/\/$/);
    for (const key of Object.keys(queueDefinitions) as QueueKey[]) {
      expect(value(outputKeys.queueUrl(key))).toMatch(new RegExp(`/${names.queues[key]}$`));
      expect(value(outputKeys.deadLetterQueueUrl(key))).toMatch(
        new RegExp(`/${names.deadLetterQueues[key]}$`),
      );
    }
    expect(value(outputKeys.scheduleDeadLetterQueueUrl)).toMatch(/\/apsync-schedule-dlq$/);
    expect(value(outputKeys.tableName('state'))).toBe('apsync-state');
    expect(value(outputKeys.tableName('idempotency'))).toBe('apsync-idempotency');
    expect(value(outputKeys.secretName('netsuite'))).toBe('apsync/netsuite');
    expect(value(outputKeys.secretName('webhook'))).toBe('apsync/webhook');
    expect(value(outputKeys.functionName('procurify-poll'))).toBe('apsync-procurify-poll');
    expect(value(outputKeys.defaultPaymentMode)).toBe('push');
  });
});

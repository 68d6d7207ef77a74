// A function's environment in local mode is derived from its registry entry by the code the CDK stack
// uses (shared/config/function-environment.ts): each function gets the variables of its own tables,
// queues and secrets and no others, composes from exactly those, and fails to start — naming the
// variable — when one is missing, as it would on AWS.
import { describe, expect, it } from 'vitest';
import { localFunctions } from '../../infra/local/functions.ts';
import { localFunctionEnvironment } from '../../infra/local/stack.ts';
import { resourceVariablesOf } from '../../shared/config/function-environment.ts';
import {
  type FunctionDefinition,
  type FunctionName,
  functionDefinition,
  functionRegistry,
} from '../../shared/function-registry.ts';
import { environmentNames, resourceNames } from '../../shared/resources.ts';

const names = resourceNames('unit');
/** The emulators' view, as startAwsEmulators gives it: every resource variable in `env`. */
const aws = {
  names,
  queueUrls: { inbound: 'http://sqs/inbound', bill: 'http://sqs/bill', payment: 'http://sqs/payment' },
  env: {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SQS: 'http://sqs',
    ...Object.fromEntries(
      Object.values(environmentNames).map((name) => [name, 'every-function-would-see-this']),
    ),
  },
};
const resourceVariables = new Set<string>(Object.values(environmentNames));
const resourcesIn = (env: Record<string, string>) =>
  Object.keys(env)
    .filter((name) => resourceVariables.has(name))
    .sort();
const start = (definition: FunctionDefinition, env: Record<string, string>) =>
  localFunctions[definition.name as FunctionName].create(env);

describe('local mode gives each function its registry entry’s environment', () => {
  it('the webhook gets its idempotency table, the inbound queue and the webhook secret, nothing else', () => {
    const env = localFunctionEnvironment(functionDefinition('webhook-ingest'), aws, {});
    expect(resourcesIn(env)).toEqual(
      ['APSYNC_IDEMPOTENCY_TABLE', 'APSYNC_INBOUND_QUEUE_URL', 'APSYNC_WEBHOOK_SECRET'].sort(),
    );
    expect(env.APSYNC_IDEMPOTENCY_TABLE).toBe('unit-idempotency');
    expect(env.APSYNC_INBOUND_QUEUE_URL).toBe('http://sqs/inbound');
    expect(env.AWS_ENDPOINT_URL_SQS).toBe('http://sqs');
  });

  it.each(functionRegistry.map((definition) => [definition.name, definition] as const))(
    '%s: only its declared variables, from which it composes',
    (_name, definition) => {
      const env = localFunctionEnvironment(definition, aws, { retryBaseSeconds: '2' });
      expect(resourcesIn(env)).toEqual(resourceVariablesOf(definition).sort());
      expect(env.APSYNC_RETRY_BASE_SECONDS).toBe('2');
      expect(() => start(definition, env)).not.toThrow();
    },
  );

  it.each(
    functionRegistry.flatMap((definition) =>
      resourceVariablesOf(definition).map((variable) => [definition.name, variable, definition] as const),
    ),
  )('%s without %s fails to start, naming it', (_name, variable, definition) => {
    const { [variable]: _missing, ...env } = localFunctionEnvironment(definition, aws, {});
    expect(() => start(definition, env)).toThrow(variable);
  });

  it('a queue left out of the registry entry fails locally, not only on AWS', () => {
    const withoutQueue = { ...functionDefinition('webhook-ingest'), sendsTo: [] };
    const env = localFunctionEnvironment(withoutQueue, aws, {});
    expect(() => start(withoutQueue, env)).toThrow('APSYNC_INBOUND_QUEUE_URL');
  });
});

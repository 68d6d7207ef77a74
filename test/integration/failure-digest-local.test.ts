// The failure digest in local mode: the registry's failure-digest runs on the local scheduler with the
// same handler and composition root as on AWS; local mode has no SNS, so the digest goes to the log.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { FailureDigestSummary } from '../../shared/digest/send-failure-digest.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

let stack: LocalStack;
let state: DynamoStateStore;

beforeAll(async () => {
  stack = await startLocalStack({});
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
});
afterAll(async () => stack?.stop());

describe('failure digest in local mode', () => {
  it('runs on its schedule: nothing to send, then a parked bill is sent (to the log)', async () => {
    const first = await stack.scheduler.runNow('failureDigest');
    expect(first.outcome, first.error).toBe('succeeded');
    expect(first.result as FailureDigestSummary).toMatchObject({ sent: false, newFailures: 0 });

    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'local-bill-1' },
      status: 'review',
      message: 'GL account 6100 has no account code in Procurify',
    });
    const second = await stack.scheduler.runNow('failureDigest');
    expect(second.outcome, second.error).toBe('succeeded');
    expect(second.result as FailureDigestSummary).toMatchObject({
      sent: true,
      newFailures: 1,
      openFailures: 1,
      publishedTo: ['log'],
    });
  });
});

// The DynamoDB state store's record lease take when DynamoDB refuses it without returning the item
// (ReturnValuesOnConditionCheckFailure not honoured): the caller waits the lease's whole time, not 1 s.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

describe('DynamoStateStore.takeRecordLease refused', () => {
  const now = new Date('2026-12-03T12:00:00.000Z');
  const nowSeconds = now.getTime() / 1000;

  function storeRefusing(item: Record<string, { N: string }> | undefined): DynamoStateStore {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    client.middlewareStack.add(
      () => async () => {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          ...(item === undefined ? {} : { Item: item }),
        });
      },
      { step: 'initialize', name: 'refuseEveryWrite' },
    );
    return new DynamoStateStore(client, 'apsync-state', () => now);
  }

  const ref = { system: 'netsuite', kind: 'vendor', id: '42' } as const;

  it("waits until the held lease's expiry the refusal returns", async () => {
    const refused = await storeRefusing({ leaseUntil: { N: String(nowSeconds + 20) } }).takeRecordLease(
      ref,
      'me',
      120,
    );
    expect(refused).toEqual({ taken: false, waitSeconds: 21 });
  });

  it("waits the lease's whole time when the refusal returns no item", async () => {
    const refused = await storeRefusing(undefined).takeRecordLease(ref, 'me', 120);
    expect(refused).toEqual({ taken: false, waitSeconds: 121 });
  });
});

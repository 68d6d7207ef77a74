// A settings change's transaction (DynamoStateStore.putConfigsAtVersion) as DynamoDB can cancel it: a
// client whose HTTP handler answers DynamoDB's JSON error, decoded by the SDK as on AWS. A cancellation
// that wrote nothing because another change came first (ConditionalCheckFailed or TransactionConflict)
// is a conflict (false); any other cancellation or failure is classified like every other call.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { BugError, TransientError } from '../../shared/errors.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

/** A client whose every request gets `status` with `body`; the requests' targets are kept. */
function answering(status: number, body: Record<string, unknown>) {
  const targets: string[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.test',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        targets.push(request.headers['x-amz-target'] ?? '');
        return {
          response: {
            statusCode: status,
            reason: '',
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: new TextEncoder().encode(JSON.stringify(body)),
          },
        };
      },
    },
  });
  return { store: new DynamoStateStore(client, 'state'), targets };
}

/** DynamoDB's answer to a cancelled TransactWriteItems with these reason codes. */
function cancelledWith(...codes: string[]) {
  return answering(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((Code) =>
      Code === 'None' ? { Code } : { Code, Message: `${Code} on this item` },
    ),
  });
}

const change = (store: DynamoStateStore) =>
  store.putConfigsAtVersion({ name: 'settings', version: 3 }, [
    { name: 'settings', value: { 'schedules.netsuitePoll': false } },
    { name: 'settings-history', value: [] },
  ]);

describe('DynamoStateStore.putConfigsAtVersion', () => {
  it('is a conflict (false) when a concurrent transaction on one of its items cancelled it', async () => {
    const { store, targets } = cancelledWith('TransactionConflict', 'None');
    await expect(change(store)).resolves.toBe(false);
    expect(targets).toEqual(['DynamoDB_20120810.TransactWriteItems']);
  });

  it('is a conflict (false) when the guard version moved, with or without a transaction conflict', async () => {
    await expect(change(cancelledWith('ConditionalCheckFailed', 'None').store)).resolves.toBe(false);
    await expect(change(cancelledWith('ConditionalCheckFailed', 'TransactionConflict').store)).resolves.toBe(
      false,
    );
  });

  it('is true when the transaction is written', async () => {
    await expect(change(answering(200, {}).store)).resolves.toBe(true);
  });

  it('is not a conflict when a reason is anything else, even beside a conflict', async () => {
    for (const codes of [
      ['ValidationError', 'None'],
      ['TransactionConflict', 'ValidationError'],
      ['ConditionalCheckFailed', 'ThrottlingError'],
    ]) {
      const error = await change(cancelledWith(...codes).store).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(BugError);
      expect((error as BugError).message).toContain('dynamodb: TransactionCanceledException');
    }
  });

  it('is not a conflict when nothing was cancelled for a reason (no reasons, or all None)', async () => {
    for (const codes of [[], ['None', 'None']]) {
      await expect(change(cancelledWith(...codes).store)).rejects.toBeInstanceOf(BugError);
    }
  });

  it('classifies other failures as every other call does (a throttled request is transient)', async () => {
    const { store } = answering(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    });
    await expect(change(store)).rejects.toBeInstanceOf(TransientError);
  });
});

// The local DynamoDB through the real AWS SDK v3 client (endpoint from AWS_ENDPOINT_URL_DYNAMODB), and
// Powertools idempotency against it: what apsync's repositories and workers rely on.
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  ConditionalCheckFailedException,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDynamoDb } from '../../infra/local/aws/dynamodb.ts';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { waitFor } from '../support/wait.ts';

let aws: AwsEmulators;
let dynamodb: DynamoDBClient;
let state: string;

beforeAll(async () => {
  const started = performance.now();
  aws = await startAwsEmulators();
  console.log(`local AWS emulators (in memory) started in ${(performance.now() - started).toFixed(0)} ms`);
  applyToProcessEnv(aws.env);
  // No endpoint here: the SDK takes it from AWS_ENDPOINT_URL_DYNAMODB, as the functions do.
  dynamodb = new DynamoDBClient({});
  state = aws.names.tables.state;
});

afterAll(async () => {
  dynamodb?.destroy();
  await aws?.stop();
});

const s = (value: string) => ({ S: value });
/** What Powertools reads from the Lambda context: the time left, for the in-progress lock's expiry. */
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const idempotencyConfig = (eventKeyJmesPath: string) => {
  const config = new IdempotencyConfig({ eventKeyJmesPath });
  config.registerLambdaContext(lambdaContext);
  return config;
};
const n = (value: number) => ({ N: String(value) });

describe('local DynamoDB', () => {
  it('creates the tables of resources.ts, reachable through the standard endpoint variable', async () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(aws.endpoints.dynamodb);
    expect(aws.env.APSYNC_STATE_TABLE).toBe('apsync-state');
    expect(aws.env.APSYNC_IDEMPOTENCY_TABLE).toBe('apsync-idempotency');
    const item = { pk: s('LINK#vendor#1'), sk: s('v1'), name: s('Acme') };
    await dynamodb.send(new PutItemCommand({ TableName: state, Item: item }));
    const read = await dynamodb.send(
      new GetItemCommand({ TableName: state, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
    );
    expect(read.Item).toEqual(item);
  });

  it('queries the byState index in sort-key order, both directions', async () => {
    for (const [id, time] of [
      ['3', '2024-03'],
      ['1', '2024-01'],
      ['2', '2024-02'],
    ] as const) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: state,
          Item: { pk: s(`SYNC#bill#${id}`), sk: s('state'), gsi1pk: s('STATE#bill#failed'), gsi1sk: s(time) },
        }),
      );
    }
    await dynamodb.send(
      new PutItemCommand({
        TableName: state,
        Item: { pk: s('SYNC#bill#9'), sk: s('state'), gsi1pk: s('STATE#bill#done'), gsi1sk: s('2024-01') },
      }),
    );
    const query = (ScanIndexForward: boolean) =>
      dynamodb.send(
        new QueryCommand({
          TableName: state,
          IndexName: 'byState',
          KeyConditionExpression: 'gsi1pk = :state AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':state': s('STATE#bill#failed'),
            ':from': s('2024-01'),
            ':to': s('2024-12'),
          },
          ScanIndexForward,
        }),
      );
    expect((await query(true)).Items?.map((item) => item.pk?.S)).toEqual([
      'SYNC#bill#1',
      'SYNC#bill#2',
      'SYNC#bill#3',
    ]);
    expect((await query(false)).Items?.map((item) => item.pk?.S)).toEqual([
      'SYNC#bill#3',
      'SYNC#bill#2',
      'SYNC#bill#1',
    ]);
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: state,
        IndexName: 'byState',
        KeyConditionExpression: 'gsi1pk = :state',
        ExpressionAttributeValues: { ':state': s('STATE#bill#failed') },
        Limit: 2,
      }),
    );
    expect(page.Items).toHaveLength(2);
    expect(page.LastEvaluatedKey).toBeDefined();
  });

  it('refuses a conditional put and returns the stored item with ReturnValuesOnConditionCheckFailure', async () => {
    const item = { pk: s('LEASE#poll'), sk: s('lease'), owner: s('worker-a'), until: n(100) };
    await dynamodb.send(
      new PutItemCommand({ TableName: state, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    const refused = await dynamodb
      .send(
        new PutItemCommand({
          TableName: state,
          Item: { ...item, owner: s('worker-b') },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': n(50) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect((refused as ConditionalCheckFailedException).Item).toEqual(item);

    const withoutItem = await dynamodb
      .send(
        new PutItemCommand({ TableName: state, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      )
      .catch((error: unknown) => error);
    expect(withoutItem).toBeInstanceOf(ConditionalCheckFailedException);
    expect((withoutItem as ConditionalCheckFailedException).Item).toBeUndefined();

    const stored = await dynamodb.send(
      new GetItemCommand({ TableName: state, Key: { pk: item.pk, sk: item.sk } }),
    );
    expect(stored.Item?.owner).toEqual(s('worker-a'));
  });

  it('applies update expressions: SET, arithmetic, ADD, REMOVE, list_append, if_not_exists', async () => {
    const key = { pk: s('AUDIT#1'), sk: s('counter') };
    await dynamodb.send(
      new PutItemCommand({
        TableName: state,
        Item: { ...key, attempts: n(1), note: s('x'), expiresAt: n(1) },
      }),
    );
    const updated = await dynamodb.send(
      new UpdateItemCommand({
        TableName: state,
        Key: key,
        UpdateExpression:
          'SET attempts = attempts + :one, #state = :failed, history = list_append(if_not_exists(history, :empty), :entry) ADD tags :tag REMOVE note',
        ConditionExpression: 'attempts = :one',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':one': n(1),
          ':failed': s('failed'),
          ':empty': { L: [] },
          ':entry': { L: [s('first')] },
          ':tag': { SS: ['bill'] },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({
      ...key,
      attempts: n(2),
      state: s('failed'),
      history: { L: [s('first')] },
      tags: { SS: ['bill'] },
      expiresAt: n(1),
    });
    const old = await dynamodb.send(
      new UpdateItemCommand({
        TableName: state,
        Key: key,
        UpdateExpression: 'SET #state = :done',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': s('done') },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    expect(old.Attributes).toEqual({ state: s('failed') });
    const refused = await dynamodb
      .send(
        new UpdateItemCommand({
          TableName: state,
          Key: key,
          UpdateExpression: 'SET attempts = :zero',
          ConditionExpression: 'attempts = :one',
          ExpressionAttributeValues: { ':zero': n(0), ':one': n(1) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect((refused as ConditionalCheckFailedException).Item?.attempts).toEqual(n(2));
  });

  it('has TTL enabled on the attributes of resources.ts and deletes expired items only', async () => {
    const described = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: state }));
    expect(described.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
    const idempotency = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: aws.names.tables.idempotency }),
    );
    expect(idempotency.TimeToLiveDescription?.AttributeName).toBe('expiration');

    const now = Math.floor(Date.now() / 1000);
    await dynamodb.send(
      new PutItemCommand({
        TableName: state,
        Item: { pk: s('TTL#old'), sk: s('x'), expiresAt: n(now - 10) },
      }),
    );
    await dynamodb.send(
      new PutItemCommand({
        TableName: state,
        Item: { pk: s('TTL#new'), sk: s('x'), expiresAt: n(now + 3600) },
      }),
    );
    await dynamodb.send(
      new PutItemCommand({ TableName: state, Item: { pk: s('TTL#text'), sk: s('x'), expiresAt: s('soon') } }),
    );
    expect(await aws.sweepExpiredItems()).toBeGreaterThanOrEqual(1);
    const left = await dynamodb.send(
      new ScanCommand({
        TableName: state,
        FilterExpression: 'begins_with(pk, :ttl)',
        ExpressionAttributeValues: { ':ttl': s('TTL#') },
      }),
    );
    expect(left.Items?.map((item) => item.pk?.S).sort()).toEqual(['TTL#new', 'TTL#text']);
  });

  it('runs TransactWriteItems atomically and reports cancellation reasons', async () => {
    const link = { pk: s('LINK#payment#7'), sk: s('link') };
    const counter = { pk: s('COUNTER#payments'), sk: s('count') };
    await dynamodb.send(new PutItemCommand({ TableName: state, Item: { ...counter, value: n(0) } }));
    await dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: state,
              Item: { ...link, netsuiteId: s('NS-7') },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: state,
              Key: counter,
              UpdateExpression: 'SET #value = #value + :one',
              ExpressionAttributeNames: { '#value': 'value' },
              ExpressionAttributeValues: { ':one': n(1) },
            },
          },
          {
            ConditionCheck: {
              TableName: state,
              Key: { pk: s('LINK#vendor#1'), sk: s('v1') },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    expect((await dynamodb.send(new GetItemCommand({ TableName: state, Key: counter }))).Item?.value).toEqual(
      n(1),
    );

    const cancelled = await dynamodb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: state,
                Key: counter,
                UpdateExpression: 'SET #value = #value + :one',
                ExpressionAttributeNames: { '#value': 'value' },
                ExpressionAttributeValues: { ':one': n(1) },
              },
            },
            {
              Put: {
                TableName: state,
                Item: { ...link, netsuiteId: s('NS-other') },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);
    expect(cancelled).toBeInstanceOf(TransactionCanceledException);
    const reasons = (cancelled as TransactionCanceledException).CancellationReasons;
    expect(reasons?.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons?.[1]?.Item?.netsuiteId).toEqual(s('NS-7'));
    // Nothing of the cancelled transaction was written.
    const read = await dynamodb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: state, Key: counter } },
          { Get: { TableName: state, Key: link } },
        ],
      }),
    );
    expect(read.Responses?.map((response) => response.Item)).toEqual([
      { ...counter, value: n(1) },
      { ...link, netsuiteId: s('NS-7') },
    ]);
  });

  it('undoes the writes of a transaction whose later write fails', async () => {
    const first = { pk: s('TX#undo'), sk: s('first') };
    const broken = { pk: s('TX#undo'), sk: s('broken') };
    await dynamodb.send(new PutItemCommand({ TableName: state, Item: { ...first, value: s('before') } }));
    await dynamodb.send(
      new PutItemCommand({ TableName: state, Item: { ...broken, count: s('not a number') } }),
    );
    const cancelled = await dynamodb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: state, Item: { ...first, value: s('after') } } },
            { Put: { TableName: state, Item: { pk: s('TX#undo'), sk: s('new') } } },
            {
              Update: {
                TableName: state,
                Key: broken,
                UpdateExpression: 'SET #count = #count + :one',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':one': n(1) },
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);
    expect(cancelled).toBeInstanceOf(TransactionCanceledException);
    expect(
      (cancelled as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code),
    ).toEqual(['None', 'None', 'ValidationError']);
    const left = await dynamodb.send(
      new QueryCommand({
        TableName: state,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': s('TX#undo') },
      }),
    );
    expect(left.Items).toEqual([
      { ...broken, count: s('not a number') },
      { ...first, value: s('before') },
    ]);
  });

  it('cancels a transaction arriving while another on one of its items is under way (TransactionConflict)', async () => {
    // Its own emulator, called in-process: the three calls below are received before any is answered.
    const local = createLocalDynamoDb();
    try {
      const TableName = 'conflicts';
      const created = await local.invoke('CreateTable', {
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
      expect(created.status).toBe(200);
      await waitFor(async () => {
        const described = await local.invoke('DescribeTable', { TableName });
        return (described.body as { Table?: { TableStatus?: string } }).Table?.TableStatus === 'ACTIVE';
      }, 'the table to be ACTIVE');
      const key = (sk: string) => ({ pk: s('CONFIG'), sk: s(sk) });
      const guarded = (sk: string, value: string) => ({
        Put: {
          TableName,
          Item: { ...key(sk), value: s(value), version: n(1) },
          ConditionExpression: 'attribute_not_exists(version)',
        },
      });
      const put = (sk: string, value: string) => ({
        Put: { TableName, Item: { ...key(sk), value: s(value) } },
      });
      const [first, second, elsewhere] = await Promise.all([
        local.invoke('TransactWriteItems', {
          TransactItems: [guarded('settings', 'ana'), put('history', 'ana')],
        }),
        local.invoke('TransactWriteItems', {
          TransactItems: [put('other', 'ben'), guarded('settings', 'ben')],
        }),
        local.invoke('TransactWriteItems', { TransactItems: [put('unrelated', 'cy')] }),
      ]);
      expect(first.status).toBe(200);
      expect(elsewhere.status).toBe(200);
      expect(second.status).toBe(400);
      expect(second.body).toEqual({
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item.' },
        ],
      });
      const read = async (sk: string) =>
        (await local.invoke('GetItem', { TableName, Key: key(sk), ConsistentRead: true })).body as {
          Item?: Record<string, unknown>;
        };
      expect((await read('settings')).Item?.value).toEqual(s('ana'));
      expect((await read('other')).Item).toBeUndefined();
      expect((await read('unrelated')).Item?.value).toEqual(s('cy'));
      // Once the first is answered the item is free: the same transaction now meets its condition.
      const again = await local.invoke('TransactWriteItems', {
        TransactItems: [put('other', 'ben'), guarded('settings', 'ben')],
      });
      expect(
        (again.body as { CancellationReasons?: Array<{ Code: string }> }).CancellationReasons?.map(
          (r) => r.Code,
        ),
      ).toEqual(['None', 'ConditionalCheckFailed']);
    } finally {
      await local.close();
    }
  });

  it('serves Powertools idempotency: the second call returns the stored result without running again', async () => {
    let runs = 0;
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName: aws.env.APSYNC_IDEMPOTENCY_TABLE! });
    const pushPayment = makeIdempotent(
      async (record: { paymentId: string; amount: number }) => {
        runs += 1;
        return { vendorPaymentId: `VP-${record.paymentId}`, run: runs };
      },
      { persistenceStore, keyPrefix: 'payment-push', config: idempotencyConfig('paymentId') },
    );
    const first = await pushPayment({ paymentId: 'P-1', amount: 10 });
    const second = await pushPayment({ paymentId: 'P-1', amount: 10 });
    expect(first).toEqual({ vendorPaymentId: 'VP-P-1', run: 1 });
    expect(second).toEqual(first);
    expect(runs).toBe(1);
    await pushPayment({ paymentId: 'P-2', amount: 10 });
    expect(runs).toBe(2);

    const records = await dynamodb.send(new ScanCommand({ TableName: aws.names.tables.idempotency }));
    const stored = records.Items?.filter((item) => item.id?.S?.startsWith('payment-push#')) ?? [];
    expect(stored.map((item) => item.status?.S)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(stored.map((item) => item.data?.M?.vendorPaymentId?.S).sort()).toEqual(['VP-P-1', 'VP-P-2']);
    for (const item of stored) expect(Number(item.expiration?.N)).toBeGreaterThan(Date.now() / 1000);
  });

  it('serves Powertools idempotency: a duplicate arriving while the first runs is refused as in progress', async () => {
    let release = () => {};
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    const persistenceStore = new DynamoDBPersistenceLayer({ tableName: aws.names.tables.idempotency });
    const work = makeIdempotent(
      async (event: { id: string }) => {
        await running;
        return event.id;
      },
      { persistenceStore, keyPrefix: 'inbound', config: idempotencyConfig('id') },
    );
    const first = work({ id: 'E-1' });
    // Let the first call write its INPROGRESS record before the duplicate arrives (waited for: had the
    // duplicate come first, it would run and wait on `running` itself).
    const record = await waitFor(
      async () => {
        const scan = await dynamodb.send(new ScanCommand({ TableName: aws.names.tables.idempotency }));
        const found = scan.Items?.find((item) => item.id?.S?.startsWith('inbound#'));
        return found?.status?.S === 'INPROGRESS' ? found : undefined;
      },
      "the first call's INPROGRESS record",
      20_000,
      10,
    );
    expect(Number(record.in_progress_expiration?.N)).toBeGreaterThan(Date.now());
    await expect(work({ id: 'E-1' })).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    await expect(first).resolves.toBe('E-1');
    await expect(work({ id: 'E-1' })).resolves.toBe('E-1');
  });
});

describe('local DynamoDB observed (the cost benchmark’s meter)', () => {
  it('shows each call served over HTTP with its answer, and each item written with the item before and after', async () => {
    const calls: string[] = [];
    const writes: Array<{ before?: string; after?: string; transactional: boolean; indexes: string[] }> = [];
    const observed = await startAwsEmulators({
      observer: {
        onCall: ({ service, operation, reply }) => calls.push(`${service} ${operation} ${reply.status}`),
        onItemWrite: ({ table, before, after, transactional, indexes }) => {
          expect(table).toBe(observed.names.tables.state);
          writes.push({
            ...(before === undefined ? {} : { before: String(before.gsi1sk?.S ?? '-') }),
            ...(after === undefined ? {} : { after: String(after.gsi1sk?.S ?? '-') }),
            transactional,
            indexes: indexes.map((index) => `${index.name}(${index.keys.join(',')}) ${index.projection}`),
          });
        },
      },
    });
    const client = new DynamoDBClient(observed.clientConfig('dynamodb'));
    try {
      const TableName = observed.names.tables.state;
      const Key = { pk: s('vendor#1'), sk: s('link') };
      await client.send(
        new PutItemCommand({ TableName, Item: { ...Key, gsi1pk: s('vendor#failed'), gsi1sk: s('a') } }),
      );
      await client.send(
        new UpdateItemCommand({
          TableName,
          Key,
          UpdateExpression: 'SET gsi1sk = :b',
          ExpressionAttributeValues: { ':b': s('b') },
        }),
      );
      await expect(
        client.send(
          new PutItemCommand({ TableName, Item: Key, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Update: { TableName, Key, UpdateExpression: 'REMOVE gsi1pk, gsi1sk' } }],
        }),
      );
      await client.send(new GetItemCommand({ TableName, Key }));

      expect(calls).toEqual([
        'dynamodb PutItem 200',
        'dynamodb UpdateItem 200',
        'dynamodb PutItem 400',
        'dynamodb TransactWriteItems 200',
        'dynamodb GetItem 200',
      ]);
      const index = ['byState(gsi1pk,gsi1sk) ALL'];
      expect(writes).toEqual([
        { after: 'a', transactional: false, indexes: index },
        { before: 'a', after: 'b', transactional: false, indexes: index },
        { before: 'b', after: '-', transactional: true, indexes: index },
      ]);
    } finally {
      client.destroy();
      await observed.stop();
    }
  });
});

// shared/aws/document-requests.ts sends lib-dynamodb's document commands without the document client:
// each command must reach DynamoDB as the document client sends it (same operation, same marshalled
// input) and come back as it answers it (same unmarshalled output). Both are run on one client whose
// stack is cut short before serialization: the test sees the operation and input each would send, and
// gives both the same DynamoDB answer.

import { Readable } from 'node:stream';
import { type DynamoDBClient as Client, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DocumentRequests } from '../../shared/aws/document-requests.ts';

/** A client whose HTTP handler answers every request with `answer`, noting what was sent on the wire. */
function cutShort(answer: Record<string, unknown>) {
  const sent: Array<{ operation: string; body: unknown }> = [];
  const client: Client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        sent.push({
          operation: String(request.headers['x-amz-target']),
          body: JSON.parse(new TextDecoder().decode(request.body as Uint8Array)),
        });
        const body = new TextEncoder().encode(JSON.stringify(answer));
        return {
          response: {
            statusCode: 200,
            reason: 'OK',
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([body]),
          },
        };
      },
    } as never,
  });
  return { client, sent };
}

const item = {
  pk: 'REC#netsuite#vendor#7',
  sk: 'STATE',
  status: 'synced',
  count: 3,
  ratio: 0.5,
  flag: false,
  none: null,
  list: ['a', 1, { deep: 'yes' }],
  map: { nested: { n: 2 }, empty: '' },
  gone: undefined,
};
const marshalledItem = {
  pk: { S: 'REC#netsuite#vendor#7' },
  sk: { S: 'STATE' },
  count: { N: '3' },
  flag: { BOOL: false },
  none: { NULL: true },
  list: { L: [{ S: 'a' }, { N: '1' }, { M: { deep: { S: 'yes' } } }] },
  map: { M: { nested: { M: { n: { N: '2' } } }, empty: { S: '' } } },
};
const key = { pk: 'REC#netsuite#vendor#7', sk: 'STATE' };
const values = { ':holder': 'h-1', ':now': 1_700_000_000, ':none': undefined, ':list': ['x'] };

/** Each command, and an answer DynamoDB could give to it. */
const cases = [
  {
    name: 'GetItem',
    command: () => new GetCommand({ TableName: 't', Key: key, ConsistentRead: true }),
    answer: { Item: marshalledItem },
  },
  {
    name: 'GetItem (nothing found)',
    command: () => new GetCommand({ TableName: 't', Key: key }),
    answer: {},
  },
  {
    name: 'PutItem',
    command: () =>
      new PutCommand({
        TableName: 't',
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder',
        ExpressionAttributeValues: values,
      }),
    answer: {},
  },
  {
    name: 'UpdateItem',
    command: () =>
      new UpdateCommand({
        TableName: 't',
        Key: key,
        UpdateExpression: 'SET #s = :holder REMOVE leaseUntil',
        ConditionExpression: 'leaseUntil < :now',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    answer: { Attributes: marshalledItem },
  },
  {
    name: 'DeleteItem',
    command: () => new DeleteCommand({ TableName: 't', Key: key }),
    answer: {},
  },
  {
    name: 'Query',
    command: () =>
      new QueryCommand({
        TableName: 't',
        IndexName: 'byState',
        KeyConditionExpression: 'gsi1pk = :holder',
        ExpressionAttributeValues: values,
        ExclusiveStartKey: key,
        Limit: 5,
      }),
    answer: { Items: [marshalledItem, marshalledItem], Count: 2, LastEvaluatedKey: marshalledItem },
  },
  {
    name: 'Query (count)',
    command: () =>
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'gsi1pk = :holder',
        ExpressionAttributeValues: { ':holder': 'x' },
        Select: 'COUNT',
      }),
    answer: { Count: 4 },
  },
  {
    name: 'BatchGetItem',
    command: () =>
      new BatchGetCommand({ RequestItems: { t: { Keys: [key, { pk: 'LINK#x', sk: 'LINK' }] } } }),
    answer: {
      Responses: { t: [marshalledItem] },
      UnprocessedKeys: { t: { Keys: [{ pk: { S: 'LINK#x' }, sk: { S: 'LINK' } }] } },
    },
  },
  {
    name: 'BatchWriteItem',
    command: () =>
      new BatchWriteCommand({
        RequestItems: { t: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key } }] },
      }),
    answer: { UnprocessedItems: { t: [{ PutRequest: { Item: marshalledItem } }] } },
  },
  {
    name: 'TransactWriteItems',
    command: () =>
      new TransactWriteCommand({
        ClientRequestToken: 'token-1',
        TransactItems: [
          {
            Put: {
              TableName: 't',
              Item: item,
              ConditionExpression: 'version = :now',
              ExpressionAttributeValues: values,
            },
          },
          {
            Update: {
              TableName: 't',
              Key: key,
              UpdateExpression: 'SET version = :now',
              ExpressionAttributeValues: values,
            },
          },
          { ConditionCheck: { TableName: 't', Key: key, ConditionExpression: 'attribute_exists(pk)' } },
          { Delete: { TableName: 't', Key: key } },
        ],
      }),
    answer: {},
  },
] as const;

describe('document requests without the document client', () => {
  it.each(cases)('$name: sent and answered as the document client does', async ({ command, answer }) => {
    const viaDocumentClient = cutShort(answer);
    const viaRequests = cutShort(answer);
    const documentClient = DynamoDBDocumentClient.from(viaDocumentClient.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    // biome-ignore lint/suspicious/noExplicitAny: each case's command is one of the overloads.
    const expected = await documentClient.send(command() as any);
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    const actual = await new DocumentRequests(viaRequests.client).send(command() as any);
    expect(viaRequests.sent).toEqual(viaDocumentClient.sent);
    expect(viaRequests.sent).toHaveLength(1);
    expect(actual).toEqual(expected);
  });

  it('sends through a client that resolves its middleware once per command class', async () => {
    const { client, sent } = cutShort({ Item: marshalledItem });
    client.config.cacheMiddleware = true;
    const requests = new DocumentRequests(client);
    const first = await requests.send(new GetCommand({ TableName: 't', Key: key }));
    const second = await requests.send(new GetCommand({ TableName: 't', Key: { pk: 'other', sk: 'STATE' } }));
    expect(first.Item).toEqual(second.Item);
    expect(sent).toEqual([
      {
        operation: 'DynamoDB_20120810.GetItem',
        body: { TableName: 't', Key: { pk: { S: key.pk }, sk: { S: 'STATE' } } },
      },
      {
        operation: 'DynamoDB_20120810.GetItem',
        body: { TableName: 't', Key: { pk: { S: 'other' }, sk: { S: 'STATE' } } },
      },
    ]);
  });

  it('refuses a command it does not map to an operation', async () => {
    const { client } = cutShort({});
    class ScanLike {
      input = { TableName: 't' };
    }
    // biome-ignore lint/suspicious/noExplicitAny: not one of the overloads, on purpose.
    await expect(new DocumentRequests(client).send(new ScanLike() as any)).rejects.toThrow(/not mapped/);
  });
});

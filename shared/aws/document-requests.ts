// DynamoDB requests written as lib-dynamodb's document commands (plain JavaScript values in keys, items
// and expression values), sent as @aws-sdk/client-dynamodb's commands of the same operation: marshalled
// and unmarshalled here with util-dynamodb, as the document client does (marshall options
// removeUndefinedValues; numbers as JavaScript numbers), but without its client. The document client adds
// its marshalling middleware to every command and so resolves the whole middleware stack on every
// request, and it refuses a client that resolves it once per command class (`cacheMiddleware`); here the
// client may (shared/aws/sdk-clients.ts): a put cost 0.60–0.74 ms of CPU through the document client
// and 0.37 ms with the middleware resolved once, on loopback (README, issue 16's third round). The state store
// (shared/state/state-store.ts) names its requests with lib-dynamodb's commands as before, which is also
// what test/infra/stacks.test.ts reads to check the IAM grants; each maps below to the client command
// lib-dynamodb itself sends for it. Errors are the client's, unchanged, as the document client leaves them
// (a conditional check's returned item stays marshalled).
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DeleteCommandOutput,
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  type PutCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandOutput,
  UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { BugError } from '../errors.ts';

type Native = Record<string, unknown>;
type Marshalled = Record<string, AttributeValue>;

const toItem = (values: Native | undefined): Marshalled | undefined =>
  values === undefined ? undefined : marshall(values, { removeUndefinedValues: true });
const fromItem = (item: Marshalled | undefined): Native | undefined =>
  item === undefined ? undefined : unmarshall(item);
const fromItems = (items: Marshalled[] | undefined): Native[] | undefined =>
  items?.map((item) => unmarshall(item));

/** The same object with some of its members replaced (those given as undefined left out). */
function withMembers<T extends object>(value: T, members: Record<string, unknown>): T {
  const result = { ...value } as Record<string, unknown>;
  for (const [name, member] of Object.entries(members)) {
    if (member === undefined) delete result[name];
    else result[name] = member;
  }
  return result as T;
}

/** Each table's members mapped (BatchGetItem's and BatchWriteItem's RequestItems, their answers). */
function perTable<A, B>(
  tables: Record<string, A> | undefined,
  map: (value: A) => B,
): Record<string, B> | undefined {
  if (tables === undefined) return undefined;
  return Object.fromEntries(Object.entries(tables).map(([table, value]) => [table, map(value)]));
}

/** A BatchWriteItem request: its put's item or its delete's key. */
type WriteRequest = { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };
const writeRequest = (request: WriteRequest, map: (values: never) => unknown): WriteRequest =>
  withMembers(request, {
    PutRequest:
      request.PutRequest && withMembers(request.PutRequest, { Item: map(request.PutRequest.Item as never) }),
    DeleteRequest:
      request.DeleteRequest &&
      withMembers(request.DeleteRequest, { Key: map(request.DeleteRequest.Key as never) }),
  });

/** The members a request's key, item and expression values are in, marshalled. */
const keyed = (input: {
  Key?: Native;
  Item?: Native;
  ExpressionAttributeValues?: Native;
  ExclusiveStartKey?: Native;
}) =>
  withMembers(input, {
    Key: toItem(input.Key),
    Item: toItem(input.Item),
    ExpressionAttributeValues: toItem(input.ExpressionAttributeValues),
    ExclusiveStartKey: toItem(input.ExclusiveStartKey),
  });

/** A document command's operation: the client command that sends it, and how its input and answer map. */
interface Operation {
  /** The client command class (instantiated in `send`, one class per operation). */
  command: new (
    input: never,
  ) => unknown;
  input(input: never): unknown;
  output(answer: never): unknown;
}

/** PutItem, UpdateItem, DeleteItem: a key or item and expression values in, the item's attributes back. */
const writeOfOneItem = (command: Operation['command']): Operation => ({
  command,
  input: (input: Native) => keyed(input),
  output: (answer: { Attributes?: Marshalled }) =>
    withMembers(answer, { Attributes: fromItem(answer.Attributes) }),
});

// biome-ignore lint/suspicious/noExplicitAny: the table maps each document command class to its operation.
const operations = new Map<abstract new (...args: any[]) => unknown, Operation>([
  [
    GetCommand,
    {
      command: GetItemCommand,
      input: (input: Native) => keyed(input),
      output: (answer: { Item?: Marshalled }) => withMembers(answer, { Item: fromItem(answer.Item) }),
    },
  ],
  [PutCommand, writeOfOneItem(PutItemCommand)],
  [UpdateCommand, writeOfOneItem(UpdateItemCommand)],
  [DeleteCommand, writeOfOneItem(DeleteItemCommand)],
  [
    QueryCommand,
    {
      command: QueryItemsCommand,
      input: (input: Native) => keyed(input),
      output: (answer: { Items?: Marshalled[]; LastEvaluatedKey?: Marshalled }) =>
        withMembers(answer, {
          Items: fromItems(answer.Items),
          LastEvaluatedKey: fromItem(answer.LastEvaluatedKey),
        }),
    },
  ],
  [
    BatchGetCommand,
    {
      command: BatchGetItemCommand,
      input: (input: { RequestItems?: Record<string, { Keys?: Native[] }> }) =>
        withMembers(input, {
          RequestItems: perTable(input.RequestItems, (asked) =>
            withMembers(asked, { Keys: asked.Keys?.map((key) => toItem(key)) }),
          ),
        }),
      output: (answer: {
        Responses?: Record<string, Marshalled[]>;
        UnprocessedKeys?: Record<string, { Keys?: Marshalled[] }>;
      }) =>
        withMembers(answer, {
          Responses: perTable(answer.Responses, fromItems),
          UnprocessedKeys: perTable(answer.UnprocessedKeys, (left) =>
            withMembers(left, { Keys: fromItems(left.Keys) }),
          ),
        }),
    },
  ],
  [
    BatchWriteCommand,
    {
      command: BatchWriteItemCommand,
      input: (input: { RequestItems?: Record<string, WriteRequest[]> }) =>
        withMembers(input, {
          RequestItems: perTable(input.RequestItems, (requests) =>
            requests.map((request) => writeRequest(request, toItem)),
          ),
        }),
      output: (answer: { UnprocessedItems?: Record<string, WriteRequest[]> }) =>
        withMembers(answer, {
          UnprocessedItems: perTable(answer.UnprocessedItems, (requests) =>
            requests.map((request) => writeRequest(request, fromItem)),
          ),
        }),
    },
  ],
  [
    TransactWriteCommand,
    {
      command: TransactWriteItemsCommand,
      input: (input: { TransactItems?: Array<Record<string, Native | undefined>> }) =>
        withMembers(input, {
          TransactItems: input.TransactItems?.map((item) =>
            withMembers(
              item,
              Object.fromEntries(
                (['ConditionCheck', 'Put', 'Delete', 'Update'] as const).map((kind) => [
                  kind,
                  item[kind] && keyed(item[kind]),
                ]),
              ),
            ),
          ),
        }),
      // Its answer holds no items (ItemCollectionMetrics aside, which the state store does not ask for).
      output: (answer: object) => answer,
    },
  ],
]);

/** Sends lib-dynamodb's document commands through a DynamoDB client of the SDK (see above). */
export class DocumentRequests {
  private readonly client: DynamoDBClient;

  constructor(client: DynamoDBClient) {
    this.client = client;
  }

  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: DeleteCommand): Promise<DeleteCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  send(command: BatchGetCommand): Promise<BatchGetCommandOutput>;
  send(command: BatchWriteCommand): Promise<BatchWriteCommandOutput>;
  send(command: TransactWriteCommand): Promise<TransactWriteCommandOutput>;
  async send(command: { input: object }): Promise<unknown> {
    const operation = operations.get(command.constructor as never);
    if (operation === undefined) {
      throw new BugError(
        `document requests: ${command.constructor.name} is not mapped to a DynamoDB operation`,
      );
    }
    const Sent = operation.command;
    const answer = await this.client.send(
      new Sent(operation.input(command.input as never) as never) as never,
    );
    return operation.output(answer as never);
  }
}

// The local DynamoDB: dynalite's engine (validation, expression parsers, GSIs, conditional writes,
// LevelDB on disk or in memory) called in-process behind our own JSON endpoint, plus what dynalite 4
// lacks: TransactWriteItems / TransactGetItems, ReturnValuesOnConditionCheckFailure, UpdateTimeToLive
// and the deletion of expired items; and, for the cost benchmark, each item written shown whole (before
// and after) to an observer. Started by index.ts.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BugError } from '../../../shared/errors.ts';
import { type EmulatedService, errorReply, ok, type ProtocolReply, refusal } from './json-protocol.ts';
import { ReadWriteGate } from './read-write-gate.ts';

const require = createRequire(import.meta.url);
const source = 'dynamodb';
const errorPrefix = 'com.amazonaws.dynamodb.v20120810#';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type DynaliteRequest = Record<string, unknown>;

/** dynalite's errors carry the HTTP status and AWS's error body. */
interface DynaliteFailure extends Error {
  statusCode?: number;
  body?: Record<string, unknown>;
}
/** A TransactWriteItems under way: its ClientRequestToken and its items (table and key). */
interface OngoingWrite {
  token: string | undefined;
  items: Set<string>;
}
type Done = (error: DynaliteFailure | null, result?: Record<string, unknown>) => void;
type DynaliteAction = (store: DynaliteStore, data: DynaliteRequest, done: Done) => void;

interface DynaliteTable {
  TableName: string;
  KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
}

interface DynaliteStore {
  getTable(
    name: string,
    checkStatus: boolean,
    done: (error: DynaliteFailure | null, table?: DynaliteTable) => void,
  ): void;
  getItemDb(name: string): {
    get(key: string, done: (error: DynaliteFailure | null, item?: Item) => void): void;
  };
  /** The LevelDB (classic-level on disk, memory-level in memory). */
  db: { open(): Promise<void>; close(done: (error?: Error | null) => void): void };
}

interface DynaliteIndex {
  IndexName: string;
  KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
  Projection: { ProjectionType?: string };
}

interface DynaliteDb {
  create(options: Record<string, unknown>): DynaliteStore;
  updateIndexes(
    store: DynaliteStore,
    table: DynaliteTable & { GlobalSecondaryIndexes?: DynaliteIndex[] },
    before: Item | undefined | null,
    after: Item | undefined | null,
    done: (error?: Error | null) => void,
  ): void;
  checkConditional(data: DynaliteRequest, existing: Item | undefined): DynaliteFailure | null;
  createKey(item: Item, table: DynaliteTable): string;
  validateKey(key: Item, table: DynaliteTable): DynaliteFailure | null;
  validateItem(item: Item, table: DynaliteTable): DynaliteFailure | null;
}

interface DynaliteValidations {
  checkTypes(data: DynaliteRequest, types: unknown): DynaliteRequest;
  checkValidations(data: DynaliteRequest, types: unknown, custom: unknown, store: DynaliteStore): void;
}

// dynalite 4 has no `exports` map, so its modules can be loaded one by one; pinned by package-lock.
const db = require('dynalite/db') as DynaliteDb;
const validations = require('dynalite/validations') as DynaliteValidations;

/** The operations dynalite implements (DescribeTimeToLive is answered here instead). */
const dynaliteOperations = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
type DynaliteOperation = (typeof dynaliteOperations)[number];

const lowerFirst = (name: string) => `${name[0]!.toLowerCase()}${name.slice(1)}`;
const actions = new Map<string, { action: DynaliteAction; types: unknown; custom: unknown }>(
  dynaliteOperations.map((operation) => {
    const name = lowerFirst(operation);
    const validation = require(`dynalite/validations/${name}`) as { types: unknown; custom?: unknown };
    return [
      operation,
      {
        action: require(`dynalite/actions/${name}`) as DynaliteAction,
        types: validation.types,
        custom: validation.custom,
      },
    ];
  }),
);

// ReturnValuesOnConditionCheckFailure: dynalite's checkConditional sees the stored item at the moment
// the condition fails (under the item's lock); it is wrapped once so the failure carries that item,
// exactly as DynamoDB returns it. Powertools idempotency reads it to tell "in progress" from "done".
const returnItemOnFailure = 'ReturnValuesOnConditionCheckFailure';
const wrapped = Symbol.for('apsync.dynalite.returnItemOnFailure');
const patchable = db as DynaliteDb & { [wrapped]?: true };
if (!patchable[wrapped]) {
  const check = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const failure = check(data, existing);
    if (failure?.body && data[returnItemOnFailure] === 'ALL_OLD' && existing !== undefined) {
      failure.body = { ...failure.body, Item: existing };
    }
    return failure;
  };
  patchable[wrapped] = true;
}

/**
 * One item written (Put, Update, Delete, alone, in a batch or in a transaction): the table, the item
 * before and after (undefined: absent), the table's global secondary indexes (their key attributes and
 * projection) and whether a transaction wrote it. For a benchmark that prices the writes
 * (test/bench/cost.ts): a GSI write is billed apart from the table's.
 */
export interface ItemWrite {
  table: string;
  before: Item | undefined;
  after: Item | undefined;
  indexes: Array<{ name: string; keys: string[]; projection: string }>;
  transactional: boolean;
}

// Every write of dynalite's putItem, updateItem and deleteItem (batches and our transactions call them)
// updates the indexes with the item before and after, under the item's lock: the one place to observe
// a write whole. Wrapped once; each store's observer (createLocalDynamoDb's onItemWrite) is called.
const itemWriteObservers = new WeakMap<
  DynaliteStore,
  (
    table: DynaliteTable & { GlobalSecondaryIndexes?: DynaliteIndex[] },
    before: Item | undefined,
    after: Item | undefined,
  ) => void
>();
const observedWrites = Symbol.for('apsync.dynalite.observedWrites');
const observable = db as DynaliteDb & { [observedWrites]?: true };
if (!observable[observedWrites]) {
  const updateIndexes = db.updateIndexes;
  db.updateIndexes = (store, table, before, after, done) => {
    itemWriteObservers.get(store)?.(table, before ?? undefined, after ?? undefined);
    updateIndexes(store, table, before, after, done);
  };
  observable[observedWrites] = true;
}

export interface LocalDynamoDb extends EmulatedService {
  /** Resolves once the data is open; rejects (e.g. LEVEL_LOCKED) when another process holds it. */
  ready(): Promise<void>;
  /** Runs one operation in-process (bootstrap uses it; the HTTP endpoint calls the same). */
  invoke(operation: string, input: Record<string, unknown>): Promise<ProtocolReply>;
  /** Deletes items whose TTL attribute (epoch seconds) has passed, as DynamoDB does in the background. */
  sweepExpiredItems(): Promise<number>;
  close(): Promise<void>;
}

/**
 * `dataDir` undefined: in memory only; otherwise LevelDB files under `dataDir/dynamodb`. `onItemWrite`
 * sees every item written (a benchmark's meter; nothing else uses it).
 */
export function createLocalDynamoDb(
  dataDir?: string,
  onItemWrite?: (write: ItemWrite) => void,
): LocalDynamoDb {
  const options: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (dataDir !== undefined) {
    const path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
    options.path = path;
  }
  const store = db.create(options);
  /** True while a TransactWriteItems applies its writes (transactions run alone, see the gate). */
  let inTransaction = false;
  if (onItemWrite !== undefined) {
    itemWriteObservers.set(store, (table, before, after) =>
      onItemWrite({
        table: table.TableName,
        before,
        after,
        indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => ({
          name: index.IndexName,
          keys: index.KeySchema.map((key) => key.AttributeName),
          projection: index.Projection.ProjectionType ?? 'ALL',
        })),
        transactional: inTransaction,
      }),
    );
  }
  // Transactions run alone; every other call shares the gate, so none sees half a transaction. A
  // TransactWriteItems meeting an earlier one still unanswered on one of its items is cancelled (transactWrite).
  const gate = new ReadWriteGate();
  /** TTL settings; bootstrap re-applies them from resources.ts on every start. */
  const timeToLive = new Map<string, string>();
  const transactionTokens = new Map<string, { fingerprint: string; reply: ProtocolReply; at: number }>();
  /** TransactWriteItems received and not yet answered, each with the items it names (once validated). */
  const ongoingWrites = new Set<OngoingWrite>();

  const getTable = (name: string) =>
    new Promise<DynaliteTable | DynaliteFailure>((resolve) =>
      store.getTable(name, false, (error, table) => resolve(error ?? table!)),
    );
  const getItem = (tableName: string, key: string) =>
    new Promise<Item | undefined>((resolve, reject) =>
      store.getItemDb(tableName).get(key, (error, item) => {
        if (error && error.name !== 'NotFoundError') reject(error);
        else resolve(item ?? undefined);
      }),
    );

  /** Validates a request the way dynalite's HTTP front does; a refusal comes back as a reply. */
  const validate = (
    operation: DynaliteOperation,
    input: Record<string, unknown>,
  ): { data: DynaliteRequest } | { refused: ProtocolReply } => {
    const entry = actions.get(operation)!;
    try {
      const data = validations.checkTypes(structuredClone(input), entry.types);
      validations.checkValidations(data, entry.types, entry.custom, store);
      const returnOnFailure = input[returnItemOnFailure];
      if (returnOnFailure !== undefined) {
        if (returnOnFailure !== 'ALL_OLD' && returnOnFailure !== 'NONE') {
          return {
            refused: failureReply(
              validationFailure(
                `1 validation error detected: Value '${String(returnOnFailure)}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
              ),
            ),
          };
        }
        data[returnItemOnFailure] = returnOnFailure;
      }
      return { data };
    } catch (error) {
      const failure = error as DynaliteFailure;
      if (failure.statusCode) return { refused: failureReply(failure) };
      throw error;
    }
  };

  const perform = (operation: DynaliteOperation, data: DynaliteRequest) =>
    new Promise<ProtocolReply>((resolve, reject) => {
      try {
        actions.get(operation)!.action(store, data, (error, result) => {
          if (error?.statusCode) resolve(failureReply(error));
          else if (error) reject(error);
          else resolve(ok(result ?? {}));
        });
      } catch (error) {
        reject(error);
      }
    });

  const runDynalite = async (operation: DynaliteOperation, input: Record<string, unknown>) => {
    const validated = validate(operation, input);
    if ('refused' in validated) return validated.refused;
    const reply = await perform(operation, validated.data);
    if (operation === 'DeleteTable' && reply.status === 200) timeToLive.delete(String(input.TableName));
    return reply;
  };

  /** TransactWriteItems and TransactGetItems take 1 to 100 items. */
  const isTransactItems = (items: unknown): items is unknown[] =>
    Array.isArray(items) && items.length >= 1 && items.length <= 100;
  const transactItemsRefusal = () =>
    failureReply(
      validationFailure(
        "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and 100",
      ),
    );

  /**
   * `concurrent`: the transactions under way when this one arrived. One that names an item of theirs is
   * cancelled with TransactionConflict on that item, as DynamoDB cancels a TransactWriteItems that
   * conflicts with an ongoing one (the TransactionCanceledException documentation of
   * @aws-sdk/client-dynamodb, dist-types/models/errors.d.ts). They arrived first, so they ran first
   * (the gate admits transactions in arrival order) and their items are known.
   */
  const transactWrite = async (
    input: Record<string, unknown>,
    own: OngoingWrite,
    concurrent: readonly OngoingWrite[],
  ): Promise<ProtocolReply> => {
    const items = input.TransactItems;
    if (!isTransactItems(items)) return transactItemsRefusal();
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    const fingerprint = JSON.stringify(items);
    if (token !== undefined) {
      forgetOldTokens(transactionTokens);
      const seen = transactionTokens.get(token);
      if (seen && seen.fingerprint !== fingerprint) {
        return errorReply(
          400,
          `${errorPrefix}IdempotentParameterMismatchException`,
          'The request uses the same client token as a previous, but non-identical request.',
        );
      }
      if (seen) return seen.reply;
    }

    interface Step {
      kind: 'Put' | 'Delete' | 'Update' | 'ConditionCheck';
      data: DynaliteRequest;
      table: DynaliteTable;
      key: Item;
      existing: Item | undefined;
    }
    const steps: Step[] = [];
    const seenItems = new Set<string>();
    for (const raw of items as Array<Record<string, Record<string, unknown>>>) {
      const kinds = (['Put', 'Delete', 'Update', 'ConditionCheck'] as const).filter(
        (kind) => raw?.[kind] !== undefined,
      );
      if (kinds.length !== 1) {
        return failureReply(
          validationFailure('TransactItems can only contain one of Check, Put, Update or Delete'),
        );
      }
      const kind = kinds[0]!;
      const request = raw[kind]!;
      if (kind === 'ConditionCheck' && typeof request.ConditionExpression !== 'string') {
        return failureReply(validationFailure('The ConditionCheck operation requires a ConditionExpression'));
      }
      const operation: DynaliteOperation =
        kind === 'Put' ? 'PutItem' : kind === 'Update' ? 'UpdateItem' : 'DeleteItem';
      const validated = validate(operation, request);
      if ('refused' in validated) return validated.refused;
      const { data } = validated;
      const table = await getTable(String(data.TableName));
      if (table instanceof Error) return failureReply(table);
      const key = (kind === 'Put' ? data.Item : data.Key) as Item;
      const invalid = kind === 'Put' ? db.validateItem(key, table) : db.validateKey(key, table);
      if (invalid) return failureReply(invalid);
      const itemKey = `${table.TableName}\u0000${db.createKey(key, table)}`;
      if (seenItems.has(itemKey)) {
        return failureReply(
          validationFailure('Transaction request cannot include multiple operations on one item'),
        );
      }
      seenItems.add(itemKey);
      steps.push({
        kind,
        data,
        table,
        key,
        existing: await getItem(table.TableName, db.createKey(key, table)),
      });
    }
    const itemKeys = [...seenItems];
    const conflicting = concurrent.filter((other) => token === undefined || other.token !== token);
    if (itemKeys.some((itemKey) => conflicting.some((other) => other.items.has(itemKey)))) {
      return cancelled(
        itemKeys.map((itemKey) =>
          conflicting.some((other) => other.items.has(itemKey))
            ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item.' }
            : { Code: 'None' },
        ),
      );
    }
    for (const itemKey of itemKeys) own.items.add(itemKey);

    const reasons = steps.map((step) => {
      const failure = db.checkConditional(step.data, step.existing);
      if (!failure) return { Code: 'None' };
      const reason: Record<string, unknown> = {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
      };
      if (failure.body?.Item) reason.Item = failure.body.Item;
      return reason;
    });
    if (reasons.some((reason) => reason.Code !== 'None')) return cancelled(reasons);

    inTransaction = true;
    try {
      return await applySteps(steps, token, fingerprint);
    } finally {
      inTransaction = false;
    }
  };

  const applySteps = async (
    steps: Array<{
      kind: string;
      data: DynaliteRequest;
      table: DynaliteTable;
      key: Item;
      existing: Item | undefined;
    }>,
    token: string | undefined,
    fingerprint: string,
  ): Promise<ProtocolReply> => {
    const applied: typeof steps = [];
    for (const [index, step] of steps.entries()) {
      if (step.kind === 'ConditionCheck') continue;
      const operation: DynaliteOperation =
        step.kind === 'Put' ? 'PutItem' : step.kind === 'Update' ? 'UpdateItem' : 'DeleteItem';
      const reply = await perform(operation, step.data);
      if (reply.status !== 200) {
        // Undo the writes already made, so the transaction leaves nothing behind.
        for (const done of applied.reverse()) {
          const name = done.table.TableName;
          const keyOnly = Object.fromEntries(
            done.table.KeySchema.map(({ AttributeName }) => [AttributeName, done.key[AttributeName]]),
          );
          if (done.existing) await perform('PutItem', { TableName: name, Item: done.existing });
          else await perform('DeleteItem', { TableName: name, Key: keyOnly });
        }
        const message = String((reply.body as Record<string, unknown>)?.message ?? 'ValidationError');
        return cancelled(
          steps.map((_, i) =>
            i === index ? { Code: 'ValidationError', Message: message } : { Code: 'None' },
          ),
        );
      }
      applied.push(step);
    }
    const reply = ok({});
    if (token !== undefined) transactionTokens.set(token, { fingerprint, reply, at: Date.now() });
    return reply;
  };

  const transactGet = async (input: Record<string, unknown>): Promise<ProtocolReply> => {
    const items = input.TransactItems;
    if (!isTransactItems(items)) return transactItemsRefusal();
    const requests: DynaliteRequest[] = [];
    for (const raw of items as Array<{ Get?: Record<string, unknown> }>) {
      if (raw?.Get === undefined)
        return failureReply(validationFailure('TransactItems can only contain Get operations'));
      const validated = validate('GetItem', raw.Get);
      if ('refused' in validated) return validated.refused;
      requests.push(validated.data);
    }
    const responses: unknown[] = [];
    for (const data of requests) {
      const reply = await perform('GetItem', data);
      if (reply.status !== 200) return reply;
      const item = (reply.body as { Item?: Item }).Item;
      responses.push(item ? { Item: item } : {});
    }
    return ok({ Responses: responses });
  };

  const updateTimeToLive = async (input: Record<string, unknown>): Promise<ProtocolReply> => {
    const name = String(input.TableName ?? '');
    const table = await getTable(name);
    if (table instanceof Error) return failureReply(table);
    const specification = input.TimeToLiveSpecification as
      | { AttributeName?: unknown; Enabled?: unknown }
      | undefined;
    if (typeof specification?.AttributeName !== 'string' || typeof specification.Enabled !== 'boolean') {
      return failureReply(validationFailure('TimeToLiveSpecification needs AttributeName and Enabled'));
    }
    const enabled = timeToLive.get(name);
    if (specification.Enabled && enabled !== undefined) {
      return failureReply(validationFailure('TimeToLive is already enabled'));
    }
    if (!specification.Enabled && enabled === undefined) {
      return failureReply(validationFailure('TimeToLive is already disabled'));
    }
    if (specification.Enabled) timeToLive.set(name, specification.AttributeName);
    else timeToLive.delete(name);
    return ok({
      TimeToLiveSpecification: { AttributeName: specification.AttributeName, Enabled: specification.Enabled },
    });
  };

  const describeTimeToLive = async (input: Record<string, unknown>): Promise<ProtocolReply> => {
    const name = String(input.TableName ?? '');
    const table = await getTable(name);
    if (table instanceof Error) return failureReply(table);
    const attribute = timeToLive.get(name);
    return ok({
      TimeToLiveDescription:
        attribute === undefined
          ? { TimeToLiveStatus: 'DISABLED' }
          : { TimeToLiveStatus: 'ENABLED', AttributeName: attribute },
    });
  };

  const invoke = async (operation: string, input: Record<string, unknown>): Promise<ProtocolReply> => {
    switch (operation) {
      case 'TransactWriteItems': {
        const own: OngoingWrite = {
          token: typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined,
          items: new Set(),
        };
        const concurrent = [...ongoingWrites];
        ongoingWrites.add(own);
        try {
          return await gate.run(true, () => transactWrite(input, own, concurrent));
        } finally {
          ongoingWrites.delete(own);
        }
      }
      case 'TransactGetItems':
        return gate.run(true, () => transactGet(input));
      case 'UpdateTimeToLive':
        return updateTimeToLive(input);
      case 'DescribeTimeToLive':
        return describeTimeToLive(input);
      default:
        if (!(dynaliteOperations as readonly string[]).includes(operation)) {
          throw refusal(
            source,
            `${errorPrefix}UnknownOperationException`,
            `${operation} is not emulated locally`,
          );
        }
        return gate.run(false, () => runDynalite(operation as DynaliteOperation, input));
    }
  };

  const sweepExpiredItems = async (): Promise<number> => {
    let deleted = 0;
    for (const [name, attribute] of timeToLive) {
      const table = await getTable(name);
      if (table instanceof Error) continue;
      const now = { N: String(Math.floor(Date.now() / 1000)) };
      const expired = {
        ConditionExpression: '#ttl < :now',
        ExpressionAttributeNames: { '#ttl': attribute },
        ExpressionAttributeValues: { ':now': now },
      };
      let startKey: unknown;
      do {
        const page = await invoke('Scan', {
          TableName: name,
          FilterExpression: expired.ConditionExpression,
          ExpressionAttributeNames: expired.ExpressionAttributeNames,
          ExpressionAttributeValues: expired.ExpressionAttributeValues,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        });
        if (page.status !== 200) break;
        const body = page.body as { Items?: Item[]; LastEvaluatedKey?: unknown };
        for (const item of body.Items ?? []) {
          const key = Object.fromEntries(
            table.KeySchema.map(({ AttributeName }) => [AttributeName, item[AttributeName]]),
          );
          // Conditional, so an item refreshed since the scan is kept.
          const reply = await invoke('DeleteItem', { TableName: name, Key: key, ...expired });
          if (reply.status === 200) deleted += 1;
        }
        startKey = body.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return deleted;
  };
  const sweeper = setInterval(() => void sweepExpiredItems().catch(() => undefined), 60_000);
  sweeper.unref();

  return {
    name: 'dynamodb',
    targetPrefixes: ['DynamoDB_20120810'],
    contentType: 'application/x-amz-json-1.0',
    call: (operation, input) => invoke(operation, input),
    renderRefusal: (error) =>
      errorReply(error.status ?? 400, error.code ?? `${errorPrefix}ValidationException`, error.message),
    ready: async () => {
      try {
        await store.db.open();
      } catch (error) {
        const code =
          (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
        throw new BugError(
          code === 'LEVEL_LOCKED'
            ? `local DynamoDB data in ${dataDir} is in use by another process (another apsync local mode?)`
            : `local DynamoDB could not open its data in ${dataDir}: ${String(error)}`,
          { source, code, cause: error },
        );
      }
    },
    invoke,
    sweepExpiredItems,
    async close() {
      clearInterval(sweeper);
      await gate.run(
        true,
        () =>
          new Promise<void>((resolve, reject) =>
            store.db.close((error) => (error ? reject(error) : resolve())),
          ),
      );
    },
  };
}

function failureReply(failure: DynaliteFailure): ProtocolReply {
  return {
    status: failure.statusCode ?? 400,
    body: failure.body ?? { __type: `${errorPrefix}ValidationException`, message: failure.message },
  };
}

function validationFailure(message: string): DynaliteFailure {
  const failure: DynaliteFailure = new Error(message);
  failure.statusCode = 400;
  failure.body = { __type: 'com.amazon.coral.validate#ValidationException', message };
  return failure;
}

function cancelled(reasons: Array<Record<string, unknown>>): ProtocolReply {
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return errorReply(
    400,
    `${errorPrefix}TransactionCanceledException`,
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    { CancellationReasons: reasons },
  );
}

function forgetOldTokens(tokens: Map<string, { at: number }>): void {
  const horizon = Date.now() - 10 * 60_000;
  for (const [token, entry] of tokens) if (entry.at < horizon) tokens.delete(token);
}

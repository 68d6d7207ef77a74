// The state store as every function's composition root builds it (runtime-parts.ts gives it with the
// other parts), in a module of its own: a function needing only the store (failure-digest, a schedule's
// switch) does not load the NetSuite and Procurify clients, their schemas and the SQS client with it.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../aws/sdk-clients.ts';
import { DynamoStateStore } from '../state/state-store.ts';
import type { FunctionSettings } from './environment.ts';

export function stateStore(
  stateTable: string,
  settings: Pick<FunctionSettings, 'auditRetentionDays'>,
  aws: { dynamodb(): DynamoDBClient } = { dynamodb: dynamoDbClient },
): DynamoStateStore {
  return new DynamoStateStore(aws.dynamodb(), stateTable, undefined, {
    auditRetentionDays: settings.auditRetentionDays,
  });
}

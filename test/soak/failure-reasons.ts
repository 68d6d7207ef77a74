// Why messages were retried: the workers' failure log (MessageFailureLog, one item per failed message
// with its last error) read straight from the state table and grouped by queue, error class and the
// error's wording with ids and numbers taken out. Printed by the soak report under "retries".
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SoakEnvironment } from './soak-environment.ts';

export interface FailureReason {
  queue: string;
  errorClass: string;
  reason: string;
  messages: number;
}

export async function readFailureReasons(env: SoakEnvironment): Promise<FailureReason[]> {
  const stack = env.stack();
  const client = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  const doc = DynamoDBDocumentClient.from(client);
  const groups = new Map<string, FailureReason>();
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: stack.aws.names.tables.state,
          FilterExpression: 'begins_with(pk, :fail)',
          ExpressionAttributeValues: { ':fail': 'FAIL#' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const queue = String(item.queue);
        const errorClass = String(item.errorClass);
        const reason = normalise(String(item.message));
        const key = `${queue}|${errorClass}|${reason}`;
        const group = groups.get(key) ?? { queue, errorClass, reason, messages: 0 };
        group.messages += 1;
        groups.set(key, group);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  } finally {
    client.destroy();
  }
  return [...groups.values()].sort((a, b) => b.messages - a.messages);
}

/** The error's wording without what differs between records (ids, uuids, amounts, times). */
function normalise(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .slice(0, 140);
}

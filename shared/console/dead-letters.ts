// The dead-lettered messages the console's failures page lists: each dead-letter queue peeked without
// consuming (received with a short visibility timeout, then released at once, as `apsync dlq list`),
// with the record the message is about and the last error the workers recorded for it.
import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { classifyAwsError } from '../aws/sdk-errors.ts';
import { recordOfMessage } from '../events/record-of-message.ts';
import { type QueueKey, queueDefinitions } from '../resources.ts';
import type { RecordRef } from '../state/model.ts';
import type { ConsoleData } from './read-model.ts';

export interface DeadLetter {
  queue: QueueKey;
  messageId: string;
  record: RecordRef | undefined;
  receiveCount: number;
  errorClass: string | undefined;
  lastError: string | undefined;
  lastFailureAt: string | undefined;
  sentAt: string | undefined;
}

/** The record a dead-lettered body (JSON text) is about, if it says. */
function recordOfBody(body: string | undefined): RecordRef | undefined {
  try {
    return recordOfMessage(JSON.parse(body ?? ''));
  } catch {
    return undefined;
  }
}

export async function peekDeadLetters(data: ConsoleData, limitPerQueue = 50): Promise<DeadLetter[]> {
  const lists = await Promise.all(
    (Object.keys(queueDefinitions) as QueueKey[]).map(async (queue) => {
      const url = data.queues[queue].deadLetterQueueUrl;
      const received: Message[] = [];
      try {
        while (received.length < limitPerQueue) {
          const answer = await data.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: url,
              MaxNumberOfMessages: Math.min(10, limitPerQueue - received.length),
              VisibilityTimeout: 20,
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ['All'],
            }),
          );
          const batch = (answer.Messages ?? []).filter(
            (message) => !received.some((seen) => seen.MessageId === message.MessageId),
          );
          if (batch.length === 0) break;
          received.push(...batch);
        }
      } catch (error) {
        throw classifyAwsError(error, 'sqs');
      } finally {
        for (let start = 0; start < received.length; start += 10) {
          await data.sqs
            .send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: url,
                Entries: received.slice(start, start + 10).map((message, index) => ({
                  Id: String(index),
                  ReceiptHandle: message.ReceiptHandle,
                  VisibilityTimeout: 0,
                })),
              }),
            )
            .catch(() => undefined);
        }
      }
      return Promise.all(
        received.map(async (message): Promise<DeadLetter> => {
          const id = message.MessageId ?? '';
          const failure = await data.state.getFailure(queue, id);
          const sent = message.Attributes?.SentTimestamp;
          return {
            queue,
            messageId: id,
            record: recordOfBody(message.Body),
            receiveCount: failure?.receiveCount ?? Number(message.Attributes?.ApproximateReceiveCount ?? 0),
            errorClass: failure?.errorClass,
            lastError: failure?.message,
            lastFailureAt: failure?.lastFailureAt,
            sentAt: sent === undefined ? undefined : new Date(Number(sent)).toISOString(),
          };
        }),
      );
    }),
  );
  return lists.flat().sort((a, b) => (b.lastFailureAt ?? '').localeCompare(a.lastFailureAt ?? ''));
}

// Lambda's SQS event source on one machine: long-polls a queue, hands batches to a handler as an
// SQSEvent, deletes what succeeded, and leaves failures to become visible again (so SQS's own
// maxReceiveCount moves poison messages to the dead-letter queue). Used by local mode and by tests.
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLambdaContext } from './lambda-context.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface SqsEventSourceOptions {
  functionName: string;
  queueUrl: string;
  /** For eventSourceARN; the local queue name. */
  queueName: string;
  batchSize?: number;
  /** Concurrent invocations (Lambda's maxConcurrency). */
  maxConcurrency?: number;
  functionTimeoutMs?: number;
  /** Long-poll wait; short in tests so stop() is quick. */
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface SqsEventSource {
  /** Invocations so far and records handled, for tests and `apsync status`. */
  stats(): { invocations: number; records: number; failures: number; inFlight: number };
  /** Bodies of the messages whose invocation has not returned yet (tests wait for a record's to end). */
  inFlightBodies(): string[];
  /** Stops polling and waits for in-flight invocations; unhandled messages return to the queue. */
  stop(): Promise<void>;
}

export function startSqsEventSource(
  client: SQSClient,
  handler: SqsHandler,
  options: SqsEventSourceOptions,
): SqsEventSource {
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.maxConcurrency ?? 2;
  const timeoutMs = options.functionTimeoutMs ?? 30_000;
  const counters = { invocations: 0, records: 0, failures: 0, inFlight: 0 };
  let running = true;
  const handling = new Map<string, string>();
  /** Deletes under way: each poller receives its next batch without waiting for its last delete. */
  const deleting = new Set<Promise<void>>();

  const poller = async (): Promise<void> => {
    while (running) {
      let messages: Message[] = [];
      try {
        const answer = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = answer.Messages ?? [];
      } catch (error) {
        if (!running) return;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;
      await invoke(messages);
    }
  };

  const invoke = async (messages: Message[]): Promise<void> => {
    counters.invocations++;
    counters.inFlight++;
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueName)) };
    const batchKeys = event.Records.map((record) => `${counters.invocations}:${record.messageId}`);
    for (const [index, record] of event.Records.entries()) handling.set(batchKeys[index]!, record.body);
    let failedIds: Set<string>;
    try {
      const response = await handler(event, createLambdaContext(options.functionName, timeoutMs));
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A thrown handler fails the whole batch, as on AWS.
      options.onError?.(error);
      failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
    } finally {
      counters.inFlight--;
      for (const key of batchKeys) handling.delete(key);
    }
    counters.records += messages.length;
    counters.failures += failedIds.size;
    const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    if (done.length > 0) {
      // As Lambda's pollers delete a batch apart from the function's next invocation, the poller goes on
      // to its next receive while the delete is under way (the messages stay in flight until deleted).
      const deletion = client
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: done.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        )
        .then(
          () => undefined,
          // Not deleted means delivered again: handlers are idempotent, so this is safe.
          (error: unknown) => options.onError?.(error),
        );
      deleting.add(deletion);
      void deletion.finally(() => deleting.delete(deletion));
    }
  };

  const pollers = Array.from({ length: concurrency }, () => poller());
  return {
    stats: () => ({ ...counters }),
    inFlightBodies: () => [...handling.values()],
    stop: async () => {
      // The current long polls are not aborted: a receive the queue already answered would leave its
      // messages invisible for the whole visibility timeout. Each poll returns within its wait time and
      // its messages are processed before the poller stops (in-flight work finishes, as on Lambda).
      running = false;
      await Promise.allSettled(pollers);
      await Promise.allSettled([...deleting]);
    },
  };
}

function toRecord(message: Message, queueName: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
  };
}

// The local SQS through the real AWS SDK v3 client (endpoint from AWS_ENDPOINT_URL_SQS): the queue
// behaviour apsync's workers, event sources and the `dlq redrive` command rely on.
import {
  BatchEntryIdsNotDistinct,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';

let aws: AwsEmulators;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startAwsEmulators();
  applyToProcessEnv(aws.env);
  // No endpoint here: the SDK takes it from AWS_ENDPOINT_URL_SQS, as the functions do.
  sqs = new SQSClient({});
});

afterAll(async () => {
  sqs?.destroy();
  await aws?.stop();
});

let queueCount = 0;
/** A fresh queue per test, so tests do not see each other's messages. */
async function freshQueue(attributes: Record<string, string> = {}): Promise<string> {
  queueCount += 1;
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `test-${queueCount}`, Attributes: attributes }),
  );
  return created.QueueUrl!;
}

async function counts(QueueUrl: string) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed),
  };
}

const receive = (
  QueueUrl: string,
  extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: [
          'ApproximateReceiveCount',
          'SentTimestamp',
          'ApproximateFirstReceiveTimestamp',
        ],
        MessageAttributeNames: ['All'],
        ...extra,
      }),
    )
    .then((answer) => answer.Messages ?? []);

describe('local SQS', () => {
  it('creates the queues of resources.ts with their DLQ, visibility timeout and retention', async () => {
    expect(process.env.APSYNC_INBOUND_QUEUE_URL).toBe(aws.queueUrls.inbound);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'apsync-bill' }));
    expect(QueueUrl).toBe(aws.queueUrls.bill);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('360');
    expect(Attributes?.MessageRetentionPeriod).toBe(String(4 * 86_400));
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:apsync-bill-dlq',
      maxReceiveCount: 6,
    });
    const dlq = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.deadLetterQueueUrls.bill,
        AttributeNames: ['MessageRetentionPeriod', 'QueueArn'],
      }),
    );
    expect(dlq.Attributes).toEqual({
      MessageRetentionPeriod: String(14 * 86_400),
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:apsync-bill-dlq',
    });
  });

  it('sends, receives with system and message attributes, and deletes', async () => {
    const QueueUrl = await freshQueue();
    const before = Date.now();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"eventId":"E-1"}',
        MessageAttributes: {
          source: { DataType: 'String', StringValue: 'netsuite' },
          attempt: { DataType: 'Number', StringValue: '1' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const [message] = await receive(QueueUrl);
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe('{"eventId":"E-1"}');
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(Number(message?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
      Number(message?.Attributes?.SentTimestamp),
    );
    expect(message?.MessageAttributes?.source).toEqual({ DataType: 'String', StringValue: 'netsuite' });
    expect([...(message?.MessageAttributes?.raw?.BinaryValue ?? [])]).toEqual([1, 2, 3]);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message!.ReceiptHandle! }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('sends and deletes in batches, reporting per-entry failures and refusing duplicate ids', async () => {
    const QueueUrl = await freshQueue();
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          {
            Id: 'b',
            MessageBody: 'two',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'not a number' } },
          },
          { Id: 'c', MessageBody: 'three' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'c']);
    expect(sent.Failed?.map((entry) => [entry.Id, entry.SenderFault])).toEqual([['b', true]]);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'x', MessageBody: '1' },
            { Id: 'x', MessageBody: '2' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);

    const messages = await receive(QueueUrl);
    expect(messages.map((message) => message.Body).sort()).toEqual(['one', 'three']);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          ...messages.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle! })),
          { Id: 'bad', ReceiptHandle: 'not-a-receipt-handle' },
        ],
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(deleted.Failed?.map((entry) => [entry.Id, entry.Code])).toEqual([
      ['bad', 'ReceiptHandleIsInvalid'],
    ]);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('hides a received message for the visibility timeout; ChangeMessageVisibility releases it', async () => {
    const QueueUrl = await freshQueue({ VisibilityTimeout: '60' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'work' }));
    const [first] = await receive(QueueUrl);
    expect(await receive(QueueUrl)).toEqual([]);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: first!.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
    const [second] = await receive(QueueUrl);
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);

    // The older receipt handle no longer owns the message: deleting with it leaves the message.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first!.ReceiptHandle! }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second!.ReceiptHandle! }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('moves a message to the DLQ after maxReceiveCount receives, then redrives it with StartMessageMoveTask', async () => {
    const QueueUrl = aws.queueUrls.payment;
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"paymentId":"P-9"}' }));
    // maxReceiveCount is 6: six failed receives (visibility 0 = released at once) ...
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const [message] = await receive(QueueUrl, { VisibilityTimeout: 0 });
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(String(attempt));
    }
    // ... and the seventh receive finds it in the DLQ instead.
    expect(await receive(QueueUrl)).toEqual([]);
    const dlqUrl = aws.deadLetterQueueUrls.payment;
    const [dead] = await receive(dlqUrl, { MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 });
    expect(dead?.MessageId).toBe(sent.MessageId);
    expect(dead?.Body).toBe('{"paymentId":"P-9"}');
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toBe(
      'arn:aws:sqs:us-east-1:000000000000:apsync-payment',
    );

    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:apsync-payment-dlq';
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    let status: string | undefined;
    for (let poll = 0; poll < 200 && status !== 'COMPLETED'; poll += 1) {
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
      status = Results?.[0]?.Status;
      if (status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(Results?.[0]).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 1,
      ApproximateNumberOfMessagesToMove: 1,
    });
    expect(await counts(dlqUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    const [redriven] = await receive(QueueUrl);
    expect(redriven?.Body).toBe('{"paymentId":"P-9"}');
    expect(redriven?.MessageId).not.toBe(sent.MessageId);
    expect(redriven?.Attributes?.ApproximateReceiveCount).toBe('1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: redriven!.ReceiptHandle! }));
  });

  it('refuses a move task from a queue that is not a dead-letter queue', async () => {
    await expect(
      sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:apsync-inbound' }),
      ),
    ).rejects.toThrow(/Dead Letter Queue/);
  });

  it('delays messages (DelaySeconds) and long-polls until one arrives', async () => {
    const QueueUrl = await freshQueue();
    // Long enough that the two checks below come before it ends even on a busy machine (with 1 s, a
    // stall of a second between the send and them would find the message visible already).
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 3 }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(await receive(QueueUrl)).toEqual([]);
    // A long poll returns as soon as the delay is over (well before its 10 s wait).
    const delayed = await receive(QueueUrl, { WaitTimeSeconds: 10 });
    expect(delayed.map((message) => message.Body)).toEqual(['later']);

    const waiting = receive(QueueUrl, { WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now' }));
    expect((await waiting).map((message: Message) => message.Body)).toEqual(['now']);
  });

  it('stops a long poll the caller aborted, so it takes no message sent afterwards', async () => {
    const QueueUrl = await freshQueue({ VisibilityTimeout: '600' });
    const abort = new AbortController();
    const abandoned = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: abort.signal })
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'after the abort' }));
    const [message] = await receive(QueueUrl);
    expect(message?.Body).toBe('after the abort');
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('answers CreateQueue for an existing queue with its URL, unless an attribute differs', async () => {
    const QueueUrl = await freshQueue({ VisibilityTimeout: '45' });
    const name = QueueUrl.split('/').at(-1)!;
    expect((await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toBe(QueueUrl);
    expect(
      (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } })))
        .QueueUrl,
    ).toBe(QueueUrl);
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '46' } })),
    ).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('purges a queue', async () => {
    const QueueUrl = await freshQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }));
    expect((await counts(QueueUrl)).visible).toBe(2);
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('answers an unknown queue with QueueDoesNotExist', async () => {
    const error = await sqs
      .send(new SendMessageCommand({ QueueUrl: `${aws.endpoints.sqs}/000000000000/nope`, MessageBody: 'x' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400);
  });
});

// Per-message retry delays on SQS: after a transient failure the message's visibility timeout is set
// from its receive count (exponential, full jitter), so retries spread out instead of arriving together.
// A message that only waits (another worker holds its record) can instead be sent again as a new message
// with a delay: SQS counts every receive of a message towards its redrive policy's maxReceiveCount, and
// a new message starts from none.
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface RetryDelayPolicy {
  baseSeconds: number;
  capSeconds: number;
}

/** Full-jitter delay for the n-th receive (1-based), never below 1 s. */
export function retryDelaySeconds(
  receiveCount: number,
  policy: RetryDelayPolicy,
  random: () => number = Math.random,
) {
  const ceiling = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

export interface MessageVisibility {
  delay(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>;
  /** Sends `body` again as a new message, delivered after `delaySeconds` (0-900), with these attributes. */
  resend?(
    queueUrl: string,
    message: { body: string; attributes: Record<string, string> },
    delaySeconds: number,
  ): Promise<void>;
}

export class SqsMessageVisibility implements MessageVisibility {
  private readonly client: SQSClient;

  constructor(client: SQSClient) {
    this.client = client;
  }

  async delay(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async resend(
    queueUrl: string,
    message: { body: string; attributes: Record<string, string> },
    delaySeconds: number,
  ): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        DelaySeconds: delaySeconds,
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}

/** `arn:aws:sqs:region:account:name` → the queue URL the SDK accepts (it resolves the endpoint). */
export function queueUrlFromArn(arn: string, knownUrls: readonly string[]): string | undefined {
  const name = arn.split(':').at(-1);
  return knownUrls.find((url) => url.split('/').at(-1) === name);
}

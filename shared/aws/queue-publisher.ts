// Sends JSON messages to one SQS queue; the adapter behind "queue this for a worker" in every use case.
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { TransientError } from '../errors.ts';
import { classifyAwsError } from './sdk-errors.ts';

export interface QueuePublisher<T> {
  send(message: T, options?: { delaySeconds?: number }): Promise<{ messageId: string }>;
  /** Sends many messages, ten per request; throws if any could not be sent (sent ones stay sent). */
  sendAll(messages: readonly T[]): Promise<void>;
}

export class SqsQueuePublisher<T> implements QueuePublisher<T> {
  readonly queueUrl: string;
  private readonly client: SQSClient;

  constructor(client: SQSClient, queueUrl: string) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async send(message: T, options: { delaySeconds?: number } = {}): Promise<{ messageId: string }> {
    try {
      const answer = await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(message),
          ...(options.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds }),
        }),
      );
      return { messageId: answer.MessageId ?? '' };
    } catch (error) {
      throw classifyAwsError(error, 'sqs');
    }
  }

  async sendAll(messages: readonly T[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      let answer: SendMessageBatchCommandOutput;
      try {
        answer = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify(message),
            })),
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, 'sqs');
      }
      if (answer.Failed !== undefined && answer.Failed.length > 0) {
        throw new TransientError(
          `sqs: ${answer.Failed.length} message(s) not sent: ${answer.Failed[0]?.Message}`,
          {
            source: 'sqs',
          },
        );
      }
    }
  }
}

// The queue publisher port (shared/aws/queue-publisher.ts) in memory: messages kept in the order sent,
// each with a message id, as a JSON round trip (what a worker would read from SQS). `sendAll` sends ten
// a batch and throws after the batches before the failed one stay sent, as the SQS adapter does.
import type { QueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { Faults } from './faults.ts';

export interface SentMessage<T> {
  messageId: string;
  body: T;
  delaySeconds?: number;
}

export class InMemoryQueue<T> implements QueuePublisher<T> {
  readonly faults = new Faults<'send' | 'sendBatch'>('sqs');
  readonly sent: SentMessage<T>[] = [];
  private sequence = 0;

  async send(message: T, options: { delaySeconds?: number } = {}): Promise<{ messageId: string }> {
    this.faults.check('send');
    return { messageId: this.keep(message, options.delaySeconds) };
  }

  async sendAll(messages: readonly T[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      this.faults.check('sendBatch');
      for (const message of messages.slice(start, start + 10)) this.keep(message);
    }
  }

  /** The bodies sent so far, oldest first. */
  bodies(): T[] {
    return this.sent.map((message) => message.body);
  }

  private keep(message: T, delaySeconds?: number): string {
    this.sequence += 1;
    const messageId = `msg-${String(this.sequence).padStart(4, '0')}`;
    this.sent.push({
      messageId,
      body: JSON.parse(JSON.stringify(message)) as T,
      ...(delaySeconds === undefined ? {} : { delaySeconds }),
    });
    return messageId;
  }
}

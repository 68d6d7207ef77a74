// How many messages a queue holds, visible, in flight and delayed (SQS's approximate counts), for
// `apsync status` and the console's overview.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { classifyAwsError } from './sdk-errors.ts';

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  try {
    const answer = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const attribute = (name: string) =>
      Number(answer.Attributes?.[name as keyof typeof answer.Attributes] ?? 0);
    return {
      visible: attribute('ApproximateNumberOfMessages'),
      inFlight: attribute('ApproximateNumberOfMessagesNotVisible'),
      delayed: attribute('ApproximateNumberOfMessagesDelayed'),
    };
  } catch (error) {
    throw classifyAwsError(error, 'sqs');
  }
}

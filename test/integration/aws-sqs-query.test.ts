// The local SQS through the query protocol, as older clients (Debian's AWS CLI 2.9, botocore before the
// JSON switch, SDKs of that age) speak it: plain fetch with form bodies, XML answers read by a strict
// parser, every operation the JSON protocol serves, errors as <ErrorResponse>, and the same queues and
// digests as the JSON protocol (the SDK v3 client used alongside).
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { waitFor } from '../support/wait.ts';
import { childrenNamed, parseXml, textAt, type XmlElement } from '../support/xml.ts';

const namespace = 'http://queue.amazonaws.com/doc/2012-11-05/';
let aws: AwsEmulators;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startAwsEmulators();
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: aws.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs?.destroy();
  await aws?.stop();
});

interface Answer {
  status: number;
  contentType: string;
  requestId: string;
  root: XmlElement;
  raw: string;
}

/** One query-protocol call: `Action`, `Version` and `params` form-encoded, as botocore's QuerySerializer sends them. */
async function query(
  action: string,
  params: Record<string, string> = {},
  options: { path?: string; method?: 'GET' | 'POST' } = {},
): Promise<Answer> {
  const form = new URLSearchParams({ Action: action, Version: '2012-11-05', ...params });
  const url = `${aws.endpoints.sqs}${options.path ?? '/'}`;
  const response =
    options.method === 'GET'
      ? await fetch(`${url}?${form}`)
      : await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: form.toString(),
        });
  const raw = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    requestId: response.headers.get('x-amzn-requestid') ?? '',
    root: parseXml(raw),
    raw,
  };
}

/** A successful answer's `<ActionResult>` (after checking the envelope). */
function result(answer: Answer, action: string): XmlElement {
  expect(answer.status, answer.raw).toBe(200);
  expect(answer.contentType).toBe('text/xml');
  expect(answer.root.name).toBe(`${action}Response`);
  expect(answer.root.attributes.xmlns).toBe(namespace);
  expect(textAt(answer.root, 'ResponseMetadata/RequestId')).toBe(answer.requestId);
  const [found] = childrenNamed(answer.root, `${action}Result`);
  return found ?? { name: `${action}Result`, attributes: {}, children: [], text: '' };
}

/** An answer with no result element (the operation has no output shape). */
function empty(answer: Answer, action: string): void {
  result(answer, action);
  expect(answer.root.children.map((element) => element.name)).toEqual(['ResponseMetadata']);
}

/** An `<ErrorResponse>`: its status, Type, Code and Message. */
function error(answer: Answer) {
  expect(answer.contentType).toBe('text/xml');
  expect(answer.root.name).toBe('ErrorResponse');
  expect(answer.root.attributes.xmlns).toBe(namespace);
  expect(textAt(answer.root, 'RequestId')).toBe(answer.requestId);
  expect(childrenNamed(answer.root.children[0]!, 'Detail')).toHaveLength(1);
  return {
    status: answer.status,
    type: textAt(answer.root, 'Error/Type'),
    code: textAt(answer.root, 'Error/Code'),
    message: textAt(answer.root, 'Error/Message'),
  };
}

/** A flattened `<Attribute><Name/><Value/></Attribute>` list as a record. */
const nameValues = (parent: XmlElement, element = 'Attribute'): Record<string, string> =>
  Object.fromEntries(
    childrenNamed(parent, element).map((entry) => [textAt(entry, 'Name'), textAt(entry, 'Value')]),
  );

let queueCount = 0;
async function freshQueue(attributes: Record<string, string> = {}): Promise<string> {
  queueCount += 1;
  const params: Record<string, string> = { QueueName: `query-${queueCount}` };
  Object.entries(attributes).forEach(([name, value], index) => {
    params[`Attribute.${index + 1}.Name`] = name;
    params[`Attribute.${index + 1}.Value`] = value;
  });
  return textAt(result(await query('CreateQueue', params), 'CreateQueue'), 'QueueUrl');
}

describe('local SQS, query protocol', () => {
  it('lists queues, gets a queue URL, creates a queue with attributes and tags', async () => {
    const listed = result(await query('ListQueues', { QueueNamePrefix: 'apsync-in' }), 'ListQueues');
    expect(childrenNamed(listed, 'QueueUrl').map((url) => url.text)).toEqual([
      aws.queueUrls.inbound,
      aws.deadLetterQueueUrls.inbound,
    ]);
    const all = result(await query('ListQueues'), 'ListQueues');
    expect(childrenNamed(all, 'QueueUrl').length).toBeGreaterThanOrEqual(6);
    const none = result(await query('ListQueues', { QueueNamePrefix: 'no-such-' }), 'ListQueues');
    expect(none.children).toEqual([]);

    const url = result(await query('GetQueueUrl', { QueueName: 'apsync-bill' }), 'GetQueueUrl');
    expect(textAt(url, 'QueueUrl')).toBe(aws.queueUrls.bill);

    const created = result(
      await query('CreateQueue', {
        QueueName: 'query-created',
        'Attribute.1.Name': 'VisibilityTimeout',
        'Attribute.1.Value': '45',
        'Attribute.2.Name': 'DelaySeconds',
        'Attribute.2.Value': '2',
        'Tag.1.Key': 'team',
        'Tag.1.Value': 'ap',
      }),
      'CreateQueue',
    );
    const QueueUrl = textAt(created, 'QueueUrl');
    expect(QueueUrl).toBe(`${aws.endpoints.sqs}/000000000000/query-created`);
    // The JSON protocol sees the same queue.
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'DelaySeconds'] }),
    );
    expect(Attributes).toEqual({ VisibilityTimeout: '45', DelaySeconds: '2' });
  });

  it('gets and sets queue attributes (AttributeName.N, Attribute.N.Name/Value)', async () => {
    const QueueUrl = await freshQueue();
    empty(
      await query('SetQueueAttributes', {
        QueueUrl,
        'Attribute.1.Name': 'VisibilityTimeout',
        'Attribute.1.Value': '12',
        'Attribute.2.Name': 'ReceiveMessageWaitTimeSeconds',
        'Attribute.2.Value': '1',
      }),
      'SetQueueAttributes',
    );
    const some = result(
      await query('GetQueueAttributes', {
        QueueUrl,
        'AttributeName.1': 'VisibilityTimeout',
        'AttributeName.2': 'ReceiveMessageWaitTimeSeconds',
        'AttributeName.3': 'QueueArn',
      }),
      'GetQueueAttributes',
    );
    expect(nameValues(some)).toEqual({
      VisibilityTimeout: '12',
      ReceiveMessageWaitTimeSeconds: '1',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${QueueUrl.split('/').at(-1)}`,
    });
    const all = result(
      await query('GetQueueAttributes', { QueueUrl, 'AttributeName.1': 'All' }),
      'GetQueueAttributes',
    );
    expect(nameValues(all)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      MaximumMessageSize: '1048576',
    });
    const invalid = error(
      await query('SetQueueAttributes', { QueueUrl, 'Attribute.1.Name': 'Nope', 'Attribute.1.Value': '1' }),
    );
    expect(invalid).toMatchObject({ status: 400, type: 'Sender', code: 'InvalidAttributeName' });
  });

  it('sends with message and system attributes and receives them, body and digests as over JSON', async () => {
    const QueueUrl = await freshQueue();
    const body = 'line one\r\nline two & <three> "quoted" \u00e9\u{1F600}';
    const sent = result(
      await query('SendMessage', {
        QueueUrl,
        MessageBody: body,
        'MessageAttribute.1.Name': 'source',
        'MessageAttribute.1.Value.DataType': 'String',
        'MessageAttribute.1.Value.StringValue': 'netsuite <&>',
        'MessageAttribute.2.Name': 'attempt',
        'MessageAttribute.2.Value.DataType': 'Number',
        'MessageAttribute.2.Value.StringValue': '1',
        'MessageAttribute.3.Name': 'raw',
        'MessageAttribute.3.Value.DataType': 'Binary',
        'MessageAttribute.3.Value.BinaryValue': Buffer.from([1, 2, 3]).toString('base64'),
        'MessageSystemAttribute.1.Name': 'AWSTraceHeader',
        'MessageSystemAttribute.1.Value.DataType': 'String',
        'MessageSystemAttribute.1.Value.StringValue': 'Root=1-5759e988-bd862e3fe1be46a994272793',
      }),
      'SendMessage',
    );
    // The same message over the JSON protocol has the same digests.
    const overJson = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: body,
        MessageAttributes: {
          source: { DataType: 'String', StringValue: 'netsuite <&>' },
          attempt: { DataType: 'Number', StringValue: '1' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
        MessageSystemAttributes: {
          AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
        },
      }),
    );
    expect(textAt(sent, 'MD5OfMessageBody')).toBe(overJson.MD5OfMessageBody);
    expect(textAt(sent, 'MD5OfMessageAttributes')).toBe(overJson.MD5OfMessageAttributes);
    expect(textAt(sent, 'MD5OfMessageSystemAttributes')).toBe(overJson.MD5OfMessageSystemAttributes);
    expect(textAt(sent, 'MessageId')).toMatch(/^[0-9a-f-]{36}$/);

    const received = result(
      await query('ReceiveMessage', {
        QueueUrl,
        'AttributeName.1': 'All',
        'MessageAttributeName.1': 'All',
        MaxNumberOfMessages: '10',
      }),
      'ReceiveMessage',
    );
    const messages = childrenNamed(received, 'Message');
    expect(messages).toHaveLength(2);
    const mine = messages.find((message) => textAt(message, 'MessageId') === textAt(sent, 'MessageId'))!;
    // A CR survives (sent as &#xD;: a literal one would reach the client as LF).
    expect(textAt(mine, 'Body')).toBe(body);
    expect(textAt(mine, 'MD5OfBody')).toBe(overJson.MD5OfMessageBody);
    expect(textAt(mine, 'MD5OfMessageAttributes')).toBe(overJson.MD5OfMessageAttributes);
    expect(nameValues(mine)).toMatchObject({
      ApproximateReceiveCount: '1',
      AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
    });
    expect(Number(nameValues(mine).SentTimestamp)).toBeGreaterThan(0);
    const attributes = Object.fromEntries(
      childrenNamed(mine, 'MessageAttribute').map((entry) => {
        const value = childrenNamed(entry, 'Value')[0]!;
        return [
          textAt(entry, 'Name'),
          Object.fromEntries(value.children.map((field) => [field.name, field.text])),
        ];
      }),
    );
    expect(attributes).toEqual({
      source: { DataType: 'String', StringValue: 'netsuite <&>' },
      attempt: { DataType: 'Number', StringValue: '1' },
      raw: { DataType: 'Binary', BinaryValue: 'AQID' },
    });
    const receipt = textAt(mine, 'ReceiptHandle');

    empty(
      await query('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: receipt, VisibilityTimeout: '0' }),
      'ChangeMessageVisibility',
    );
    // Visible again; the JSON protocol receives it, with the body intact.
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    const back = again.Messages?.find((message) => message.MessageId === textAt(sent, 'MessageId'));
    expect(back?.Body).toBe(body);
    expect(back?.Attributes?.ApproximateReceiveCount).toBe('2');
    empty(await query('DeleteMessage', { QueueUrl, ReceiptHandle: back!.ReceiptHandle! }), 'DeleteMessage');

    // Only the attributes asked for; none at all without names.
    await query('SendMessage', {
      QueueUrl,
      MessageBody: 'plain',
      'MessageAttribute.1.Name': 'a.b',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'x',
    });
    empty(await query('PurgeQueue', { QueueUrl }), 'PurgeQueue');
    await query('SendMessage', { QueueUrl, MessageBody: 'plain' });
    const bare = childrenNamed(
      result(await query('ReceiveMessage', { QueueUrl }), 'ReceiveMessage'),
      'Message',
    );
    expect(bare.map((message) => message.children.map((field) => field.name))).toEqual([
      ['MessageId', 'ReceiptHandle', 'MD5OfBody', 'Body'],
    ]);
    const nothing = result(
      await query('ReceiveMessage', { QueueUrl, WaitTimeSeconds: '0' }),
      'ReceiveMessage',
    );
    expect(nothing.children).toEqual([]);
  });

  it('runs the three batch operations, with per-entry failures and whole-batch refusals', async () => {
    const QueueUrl = await freshQueue();
    const sent = result(
      await query('SendMessageBatch', {
        QueueUrl,
        'SendMessageBatchRequestEntry.1.Id': 'a',
        'SendMessageBatchRequestEntry.1.MessageBody': 'one',
        'SendMessageBatchRequestEntry.2.Id': 'b',
        'SendMessageBatchRequestEntry.2.MessageBody': 'two',
        'SendMessageBatchRequestEntry.2.DelaySeconds': '9999',
        'SendMessageBatchRequestEntry.3.Id': 'c',
        'SendMessageBatchRequestEntry.3.MessageBody': 'three',
        'SendMessageBatchRequestEntry.3.MessageAttribute.1.Name': 'kind',
        'SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.DataType': 'String',
        'SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.StringValue': 'vendor',
      }),
      'SendMessageBatch',
    );
    const ok = childrenNamed(sent, 'SendMessageBatchResultEntry');
    expect(ok.map((entry) => textAt(entry, 'Id'))).toEqual(['a', 'c']);
    expect(childrenNamed(ok[1]!, 'MD5OfMessageAttributes')).toHaveLength(1);
    const [refused] = childrenNamed(sent, 'BatchResultErrorEntry');
    expect(refused!.children.map((field) => [field.name, field.text])).toEqual([
      ['Id', 'b'],
      ['SenderFault', 'true'],
      ['Code', 'InvalidParameterValue'],
      ['Message', expect.stringContaining('DelaySeconds')],
    ]);

    const received = childrenNamed(
      result(
        await query('ReceiveMessage', {
          QueueUrl,
          MaxNumberOfMessages: '10',
          'MessageAttributeName.1': 'kind',
        }),
        'ReceiveMessage',
      ),
      'Message',
    );
    expect(received.map((message) => textAt(message, 'Body')).sort()).toEqual(['one', 'three']);
    const handles = received.map((message) => textAt(message, 'ReceiptHandle'));

    const changed = result(
      await query('ChangeMessageVisibilityBatch', {
        QueueUrl,
        'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'first',
        'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': handles[0]!,
        'ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout': '30',
        'ChangeMessageVisibilityBatchRequestEntry.2.Id': 'bad',
        'ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle': 'not-a-receipt-handle',
        'ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout': '30',
      }),
      'ChangeMessageVisibilityBatch',
    );
    expect(
      childrenNamed(changed, 'ChangeMessageVisibilityBatchResultEntry').map((e) => textAt(e, 'Id')),
    ).toEqual(['first']);
    expect(childrenNamed(changed, 'BatchResultErrorEntry').map((e) => textAt(e, 'Code'))).toEqual([
      'ReceiptHandleIsInvalid',
    ]);

    const deleted = result(
      await query('DeleteMessageBatch', {
        QueueUrl,
        'DeleteMessageBatchRequestEntry.1.Id': 'm0',
        'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handles[0]!,
        'DeleteMessageBatchRequestEntry.2.Id': 'm1',
        'DeleteMessageBatchRequestEntry.2.ReceiptHandle': handles[1]!,
      }),
      'DeleteMessageBatch',
    );
    expect(childrenNamed(deleted, 'DeleteMessageBatchResultEntry').map((e) => textAt(e, 'Id'))).toEqual([
      'm0',
      'm1',
    ]);
    expect(childrenNamed(deleted, 'BatchResultErrorEntry')).toEqual([]);

    expect(
      error(
        await query('SendMessageBatch', {
          QueueUrl,
          'SendMessageBatchRequestEntry.1.Id': 'x',
          'SendMessageBatchRequestEntry.1.MessageBody': '1',
          'SendMessageBatchRequestEntry.2.Id': 'x',
          'SendMessageBatchRequestEntry.2.MessageBody': '2',
        }),
      ),
    ).toMatchObject({ status: 400, type: 'Sender', code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' });
    // An empty list goes as `Entries=` (botocore's QuerySerializer); no entries at all is a missing parameter.
    expect(error(await query('DeleteMessageBatch', { QueueUrl, Entries: '' })).code).toBe(
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
    expect(error(await query('DeleteMessageBatch', { QueueUrl }))).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter Entries.',
    });
    expect(
      error(
        await query('ChangeMessageVisibilityBatch', {
          QueueUrl,
          'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'no-handle',
        }),
      ).message,
    ).toBe(
      'The request must contain the parameter ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle.',
    );
  });

  it('dead-letters after maxReceiveCount, lists the DLQ sources, and redrives with a message move task', async () => {
    const dlq = await freshQueue();
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${dlq.split('/').at(-1)}`;
    const source = await freshQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    const sources = result(
      await query('ListDeadLetterSourceQueues', { QueueUrl: dlq }),
      'ListDeadLetterSourceQueues',
    );
    expect(childrenNamed(sources, 'QueueUrl').map((url) => url.text)).toEqual([source]);

    await query('SendMessage', { QueueUrl: source, MessageBody: 'poison' });
    await query('ReceiveMessage', { QueueUrl: source, VisibilityTimeout: '0' });
    // The second receive moves it to the DLQ (maxReceiveCount 1).
    expect(result(await query('ReceiveMessage', { QueueUrl: source }), 'ReceiveMessage').children).toEqual(
      [],
    );

    const started = result(
      await query('StartMessageMoveTask', { SourceArn: dlqArn }),
      'StartMessageMoveTask',
    );
    const handle = textAt(started, 'TaskHandle');
    expect(handle).not.toBe('');
    const task = await waitFor(async () => {
      const listed = result(
        await query('ListMessageMoveTasks', { SourceArn: dlqArn, MaxResults: '10' }),
        'ListMessageMoveTasks',
      );
      const [entry] = childrenNamed(listed, 'ListMessageMoveTasksResultEntry');
      return entry !== undefined && textAt(entry, 'Status') === 'COMPLETED' ? entry : undefined;
    }, 'the move task completed');
    expect(textAt(task, 'SourceArn')).toBe(dlqArn);
    expect(textAt(task, 'ApproximateNumberOfMessagesMoved')).toBe('1');
    expect(Number(textAt(task, 'StartedTimestamp'))).toBeGreaterThan(0);
    const back = childrenNamed(
      result(await query('ReceiveMessage', { QueueUrl: source }), 'ReceiveMessage'),
      'Message',
    );
    expect(back.map((message) => textAt(message, 'Body'))).toEqual(['poison']);

    const cancelled = error(await query('CancelMessageMoveTask', { TaskHandle: handle }));
    expect(cancelled.type).toBe('Sender');
    expect(error(await query('CancelMessageMoveTask', { TaskHandle: 'no-such-task' })).code).toBe(
      'ResourceNotFoundException',
    );
  });

  it('answers errors as <ErrorResponse> with the query codes', async () => {
    expect(error(await query('GetQueueUrl', { QueueName: 'no-such-queue' }))).toEqual({
      status: 400,
      type: 'Sender',
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
    });
    expect(
      error(
        await query('SendMessage', { QueueUrl: `${aws.endpoints.sqs}/000000000000/nope`, MessageBody: 'x' }),
      ).code,
    ).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(
      error(
        await query('CreateQueue', {
          QueueName: 'apsync-bill',
          'Attribute.1.Name': 'DelaySeconds',
          'Attribute.1.Value': '7',
        }),
      ).code,
    ).toBe('QueueAlreadyExists');
    expect(
      error(await query('DeleteMessage', { QueueUrl: aws.queueUrls.bill, ReceiptHandle: 'nope' })).code,
    ).toBe('ReceiptHandleIsInvalid');
    expect(
      error(await query('ReceiveMessage', { QueueUrl: aws.queueUrls.bill, MaxNumberOfMessages: 'ten' })),
    ).toMatchObject({
      status: 400,
      code: 'InvalidParameterValue',
    });
    expect(error(await query('SendMessage', { QueueUrl: aws.queueUrls.bill }))).toEqual({
      status: 400,
      type: 'Sender',
      code: 'MissingParameter',
      message: 'The request must contain the parameter MessageBody.',
    });
    expect(
      error(await query('TagQueue', { QueueUrl: aws.queueUrls.bill, 'Tag.1.Key': 'a', 'Tag.1.Value': 'b' })),
    ).toMatchObject({
      status: 400,
      code: 'AWS.SimpleQueueService.UnsupportedOperation',
    });
    expect(error(await query('FlyAway'))).toEqual({
      status: 400,
      type: 'Sender',
      code: 'InvalidAction',
      message: 'The action FlyAway is not valid for this web service.',
    });
    const missing = await fetch(aws.endpoints.sqs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Version=2012-11-05',
    });
    expect(missing.status).toBe(400);
    expect(textAt(parseXml(await missing.text()), 'Error/Code')).toBe('MissingAction');
  });

  it('takes GET requests and requests posted to the queue URL without QueueUrl', async () => {
    const listed = result(
      await query('ListQueues', { QueueNamePrefix: 'apsync-pay' }, { method: 'GET' }),
      'ListQueues',
    );
    expect(childrenNamed(listed, 'QueueUrl').map((url) => url.text)).toEqual([
      aws.queueUrls.payment,
      aws.deadLetterQueueUrls.payment,
    ]);
    const QueueUrl = await freshQueue();
    const path = new URL(QueueUrl).pathname;
    result(await query('SendMessage', { MessageBody: 'to the queue URL' }, { path }), 'SendMessage');
    const received = result(await query('ReceiveMessage', {}, { path }), 'ReceiveMessage');
    expect(textAt(received, 'Message/Body')).toBe('to the queue URL');
    empty(await query('DeleteQueue', { QueueUrl }), 'DeleteQueue');
    expect(error(await query('GetQueueUrl', { QueueName: path.split('/').at(-1)! })).code).toBe(
      'AWS.SimpleQueueService.NonExistentQueue',
    );
  });

  it('leaves the JSON protocol as it was: a request without X-Amz-Target or form is refused in JSON', async () => {
    const response = await fetch(aws.endpoints.sqs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const wrongMethod = await fetch(aws.endpoints.dynamodb, { method: 'GET' });
    expect(wrongMethod.status).toBe(404);
  });
});

// The SQS query-protocol translation alone (no server): form parameters as botocore's QuerySerializer
// writes them → the JSON-protocol input, and JSON-shaped outputs → SQS's XML, read back by a strict parser.
import { describe, expect, it } from 'vitest';
import {
  decodeQueryInput,
  encodeQueryError,
  encodeQueryResult,
  escapeXml,
  queryAction,
  queryErrorCode,
} from '../../infra/local/aws/sqs-query-protocol.ts';
import { DataError } from '../../shared/errors.ts';
import { childrenNamed, parseXml, textAt } from '../support/xml.ts';

const form = (params: Record<string, string>) => new URLSearchParams(params);

describe('SQS query protocol: requests', () => {
  it('decodes batch entries with message and system attributes, in index order', () => {
    const input = decodeQueryInput(
      'SendMessageBatch',
      form({
        QueueUrl: 'http://127.0.0.1/000000000000/q',
        'SendMessageBatchRequestEntry.2.Id': 'b',
        'SendMessageBatchRequestEntry.2.MessageBody': 'two',
        'SendMessageBatchRequestEntry.10.Id': 'j',
        'SendMessageBatchRequestEntry.10.MessageBody': 'ten',
        'SendMessageBatchRequestEntry.1.Id': 'a',
        'SendMessageBatchRequestEntry.1.MessageBody': 'one',
        'SendMessageBatchRequestEntry.1.DelaySeconds': '5',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'kind',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'vendor',
        'SendMessageBatchRequestEntry.1.MessageAttribute.2.Name': 'list',
        'SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType': 'String',
        'SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.1': 'x',
        'SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.2': 'y',
        'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Name': 'AWSTraceHeader',
        'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.DataType': 'String',
        'SendMessageBatchRequestEntry.1.MessageSystemAttribute.1.Value.StringValue': 'Root=1-a',
      }),
    );
    expect(input).toEqual({
      QueueUrl: 'http://127.0.0.1/000000000000/q',
      Entries: [
        {
          Id: 'a',
          MessageBody: 'one',
          DelaySeconds: 5,
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'vendor' },
            list: { DataType: 'String', StringListValues: ['x', 'y'] },
          },
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-a' } },
        },
        { Id: 'b', MessageBody: 'two' },
        { Id: 'j', MessageBody: 'ten' },
      ],
    });
  });

  it('decodes flattened lists and maps: AttributeName.N, Attribute.N.Name/Value, Tag.N.Key/Value', () => {
    expect(
      decodeQueryInput(
        'ReceiveMessage',
        form({
          QueueUrl: 'u',
          'AttributeName.1': 'All',
          'MessageSystemAttributeNames.1': 'SentTimestamp',
          'MessageAttributeName.1': 'a.*',
          'MessageAttributeName.2': 'b',
          WaitTimeSeconds: '20',
        }),
      ),
    ).toEqual({
      QueueUrl: 'u',
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['SentTimestamp'],
      MessageAttributeNames: ['a.*', 'b'],
      WaitTimeSeconds: 20,
    });
    expect(
      decodeQueryInput(
        'CreateQueue',
        form({
          QueueName: 'q',
          'Attribute.1.Name': 'DelaySeconds',
          'Attribute.1.Value': '3',
          'Tag.1.Key': 'team',
          'Tag.1.Value': 'ap',
        }),
      ),
    ).toEqual({ QueueName: 'q', Attributes: { DelaySeconds: '3' }, tags: { team: 'ap' } });
    // An empty list goes as `Name=` (the member's own name).
    expect(decodeQueryInput('GetQueueAttributes', form({ QueueUrl: 'u', AttributeNames: '' }))).toEqual({
      QueueUrl: 'u',
      AttributeNames: [],
    });
  });

  it('takes QueueUrl from the posted queue URL when absent, not over one that was sent', () => {
    expect(decodeQueryInput('PurgeQueue', form({}), 'http://h/000000000000/q')).toEqual({
      QueueUrl: 'http://h/000000000000/q',
    });
    expect(decodeQueryInput('PurgeQueue', form({ QueueUrl: 'sent' }), 'http://h/000000000000/q')).toEqual({
      QueueUrl: 'sent',
    });
  });

  it('refuses a malformed number and a missing required parameter, naming it as sent', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        return { code: (error as DataError).code, message: (error as DataError).message };
      }
      throw new Error('not refused');
    };
    expect(
      refusal(() =>
        decodeQueryInput('SendMessage', form({ QueueUrl: 'u', MessageBody: 'x', DelaySeconds: '1.5' })),
      ),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'Value 1.5 for parameter DelaySeconds is invalid.',
    });
    expect(refusal(() => decodeQueryInput('GetQueueUrl', form({})))).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain the parameter QueueName.',
    });
    expect(
      refusal(() =>
        decodeQueryInput(
          'DeleteMessageBatch',
          form({ QueueUrl: 'u', 'DeleteMessageBatchRequestEntry.1.Id': 'a' }),
        ),
      ).message,
    ).toBe('The request must contain the parameter DeleteMessageBatchRequestEntry.1.ReceiptHandle.');
  });

  it('sorts actions: emulated, known but not emulated, unknown, missing', () => {
    expect(queryAction(form({ Action: 'ListQueues' }))).toEqual({
      kind: 'emulated',
      operation: 'ListQueues',
    });
    expect(queryAction(form({ Action: 'TagQueue' }))).toEqual({ kind: 'unsupported', operation: 'TagQueue' });
    expect(queryAction(form({ Action: 'toString' }))).toEqual({ kind: 'unknown', action: 'toString' });
    expect(queryAction(form({}))).toEqual({ kind: 'missing' });
    expect(queryErrorCode('QueueDoesNotExist')).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(queryErrorCode('QueueNameExists')).toBe('QueueAlreadyExists');
    expect(queryErrorCode('ReceiptHandleIsInvalid')).toBe('ReceiptHandleIsInvalid');
  });
});

describe('SQS query protocol: answers', () => {
  it('writes ReceiveMessage members in the model order, maps flattened, text escaped', () => {
    const xml = encodeQueryResult(
      'ReceiveMessage',
      {
        Messages: [
          {
            Body: 'a\r\nb & <c>',
            MessageAttributes: { kind: { DataType: 'Binary', BinaryValue: 'AQID' } },
            MD5OfMessageAttributes: 'm2',
            MessageId: 'id-1',
            ReceiptHandle: 'rh',
            MD5OfBody: 'm1',
            Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1' },
          },
        ],
      },
      'req-1',
    );
    const root = parseXml(xml);
    expect(root.name).toBe('ReceiveMessageResponse');
    expect(root.attributes.xmlns).toBe('http://queue.amazonaws.com/doc/2012-11-05/');
    const [message] = childrenNamed(textAtElement(root, 'ReceiveMessageResult'), 'Message');
    expect(message!.children.map((child) => child.name)).toEqual([
      'MessageId',
      'ReceiptHandle',
      'MD5OfBody',
      'Body',
      'Attribute',
      'Attribute',
      'MD5OfMessageAttributes',
      'MessageAttribute',
    ]);
    expect(textAt(message!, 'Body')).toBe('a\r\nb & <c>');
    expect(textAt(message!, 'MessageAttribute/Value/BinaryValue')).toBe('AQID');
    expect(textAt(root, 'ResponseMetadata/RequestId')).toBe('req-1');
  });

  it('writes batch failures with SenderFault true, an empty result as an empty element, no result when none', () => {
    const batch = parseXml(
      encodeQueryResult(
        'DeleteMessageBatch',
        {
          Successful: [],
          Failed: [{ Id: 'x', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'm' }],
        },
        'r',
      ),
    );
    expect(textAt(batch, 'DeleteMessageBatchResult/BatchResultErrorEntry/SenderFault')).toBe('true');
    expect(
      childrenNamed(textAtElement(batch, 'DeleteMessageBatchResult'), 'DeleteMessageBatchResultEntry'),
    ).toEqual([]);
    expect(encodeQueryResult('ListQueues', {}, 'r')).toContain('<ListQueuesResult/>');
    expect(parseXml(encodeQueryResult('DeleteMessage', {}, 'r')).children.map((child) => child.name)).toEqual(
      ['ResponseMetadata'],
    );
    expect(
      textAt(
        parseXml(encodeQueryResult('CancelMessageMoveTask', { ApproximateNumberOfMessagesMoved: 7 }, 'r')),
        'CancelMessageMoveTaskResult/ApproximateNumberOfMessagesMoved',
      ),
    ).toBe('7');
  });

  it('writes errors as <ErrorResponse>, Receiver for a 5xx, and never an unrepresentable character', () => {
    const sender = parseXml(encodeQueryError(400, 'InvalidAction', 'bad <&>\u0000', 'r'));
    expect(textAt(sender, 'Error/Type')).toBe('Sender');
    expect(textAt(sender, 'Error/Message')).toBe('bad <&>\uFFFD');
    expect(childrenNamed(sender.children[0]!, 'Detail')).toHaveLength(1);
    expect(textAt(sender, 'RequestId')).toBe('r');
    expect(textAt(parseXml(encodeQueryError(500, 'InternalFailure', 'x', 'r')), 'Error/Type')).toBe(
      'Receiver',
    );
    expect(escapeXml('\r')).toBe('&#xD;');
  });
});

function textAtElement(root: ReturnType<typeof parseXml>, name: string) {
  const [found] = childrenNamed(root, name);
  if (found === undefined) throw new Error(`no <${name}>`);
  return found;
}

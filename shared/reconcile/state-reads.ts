// DynamoDB adapter of reconciliation's state read: every link item and sync state of the state table in
// one paged Scan (links have no index by kind; a daily reconcile reads the table once instead of one
// GetItem per record). Audit entries, watermarks and the rest are filtered out by the table.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { classifyAwsError } from '../aws/sdk-errors.ts';
import type { RecordKind, RecordLink, RecordState, SystemName } from '../state/model.ts';
import type { LinkItem, StateBulkReads, StateSnapshot } from './ports.ts';

const keyPattern = /^(LINK|REC)#(netsuite|procurify)#(vendor|account|department|bill|payment)#(.+)$/;

export class DynamoStateSnapshot implements StateBulkReads {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  /** Parallel scan segments (DynamoDB's Segment/TotalSegments); 1 reads the table in one sequence. */
  private readonly segments: number;

  constructor(client: DynamoDBClient, tableName: string, options: { segments?: number } = {}) {
    this.doc = DynamoDBDocumentClient.from(client);
    this.table = tableName;
    this.segments = options.segments ?? 1;
  }

  async snapshot(kinds: readonly RecordKind[]): Promise<StateSnapshot> {
    const wanted = new Set<string>(kinds);
    const links: LinkItem[] = [];
    const states: RecordState[] = [];
    const segments = Array.from({ length: this.segments }, (_, segment) => segment);
    await Promise.all(
      segments.map(async (segment) => {
        for await (const page of this.pages(segment)) {
          for (const item of page.Items ?? []) {
            const key = keyPattern.exec(String(item.pk));
            if (key === null || !wanted.has(key[3]!)) continue;
            if (key[1] === 'LINK' && item.sk === 'LINK') {
              const { netsuiteId, procurifyId, origin, linkedAt } = item as RecordLink;
              links.push({
                from: key[2] as SystemName,
                link: { kind: key[3] as RecordKind, netsuiteId, procurifyId, origin, linkedAt },
              });
            } else if (key[1] === 'REC' && item.sk === 'STATE' && item.status !== undefined) {
              // A state item without a status holds only a record's lease (state-store.ts).
              const {
                pk: _pk,
                sk: _sk,
                gsi1pk: _g1,
                gsi1sk: _g2,
                leaseHolder: _holder,
                leaseUntil: _until,
                ...state
              } = item;
              states.push(state as RecordState);
            }
          }
        }
      }),
    );
    return { links, states };
  }

  private async *pages(segment: number): AsyncGenerator<ScanCommandOutput> {
    let startKey: Record<string, unknown> | undefined;
    do {
      let answer: ScanCommandOutput;
      try {
        answer = await this.doc.send(
          new ScanCommand({
            TableName: this.table,
            FilterExpression: 'sk IN (:link, :state)',
            ExpressionAttributeValues: { ':link': 'LINK', ':state': 'STATE' },
            ExclusiveStartKey: startKey,
            ...(this.segments > 1 ? { Segment: segment, TotalSegments: this.segments } : {}),
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, 'dynamodb');
      }
      yield answer;
      startKey = answer.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
}

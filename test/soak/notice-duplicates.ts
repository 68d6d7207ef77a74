// Duplicate webhook deliveries: for the NetSuite changes the operation mix picked, the notice the
// sandbox delivered is posted again, later, with the same event id and body and a fresh signature (a
// sender retrying after a lost acknowledgement). apsync must answer 202 `duplicate` and queue nothing.
// Pumped by run-soak.ts while the operations run and until every picked notice is dealt with.
import type { NetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import { signedHeaders } from '../support/webhook-signing.ts';

interface WantedDuplicate {
  recordType: string;
  recordId: string;
  eventType: string;
  /** Only deliveries that started at or after this instant (ms) are the change's own. */
  notBefore: number;
  /** Given up when the change's notice was not delivered by then (the stack was restarting). */
  giveUpAt: number;
}

export interface NoticeDuplicateCounts {
  /** Changes picked for a duplicate delivery. */
  picked: number;
  /** Duplicates posted. */
  sent: number;
  /** Answered 202 `duplicate`: recognised. */
  recognised: number;
  /** Answered 202 `accepted`: queued a second time (a duplicate apsync did not recognise). */
  acceptedAgain: number;
  /** Other answers (5xx while the stack restarts, ...). */
  otherAnswers: number;
  /** The change's own notice never arrived (webhook down during a restart): nothing to duplicate. */
  originalNotDelivered: number;
  /** Which ones (the first few), `recordType:recordId:eventType`. */
  notDelivered: string[];
}

export class NoticeDuplicates {
  private readonly netsuite: NetSuiteSandbox;
  private readonly endpoint: () => { url: string; secret: string } | undefined;
  private wanted: WantedDuplicate[] = [];
  private readonly done = new Set<string>();
  readonly counts: NoticeDuplicateCounts = {
    picked: 0,
    sent: 0,
    recognised: 0,
    acceptedAgain: 0,
    otherAnswers: 0,
    originalNotDelivered: 0,
    notDelivered: [],
  };

  constructor(netsuite: NetSuiteSandbox, endpoint: () => { url: string; secret: string } | undefined) {
    this.netsuite = netsuite;
    this.endpoint = endpoint;
  }

  /** Asks for a duplicate of the notice of a change just made. */
  want(recordType: string, recordId: string, eventType: string): void {
    this.counts.picked += 1;
    const now = Date.now();
    this.wanted.push({ recordType, recordId, eventType, notBefore: now - 1000, giveUpAt: now + 30_000 });
  }

  pending(): number {
    return this.wanted.length;
  }

  /** Posts the duplicates whose original was delivered; drops those whose original never will be. */
  async pump(): Promise<void> {
    if (this.wanted.length === 0) return;
    const endpoint = this.endpoint();
    if (endpoint === undefined) return;
    const deliveries = this.netsuite.noticeDeliveries();
    const still: WantedDuplicate[] = [];
    const posts: Array<Promise<void>> = [];
    for (const wanted of this.wanted) {
      const delivery = deliveries.find(
        (candidate) =>
          candidate.ok &&
          !this.done.has(candidate.notice.eventId) &&
          candidate.notice.recordType === wanted.recordType &&
          candidate.notice.recordId === wanted.recordId &&
          candidate.notice.eventType === wanted.eventType &&
          Date.parse(candidate.at) >= wanted.notBefore,
      );
      if (delivery === undefined) {
        if (Date.now() > wanted.giveUpAt) {
          this.counts.originalNotDelivered += 1;
          const failed = deliveries.find(
            (candidate) =>
              candidate.notice.recordType === wanted.recordType &&
              candidate.notice.recordId === wanted.recordId &&
              candidate.notice.eventType === wanted.eventType &&
              !candidate.ok,
          );
          if (this.counts.notDelivered.length < 10) {
            this.counts.notDelivered.push(
              `${wanted.recordType}:${wanted.recordId}:${wanted.eventType}${failed === undefined ? '' : ` (delivery failed: ${failed.status ?? failed.error})`}`,
            );
          }
        } else still.push(wanted);
        continue;
      }
      this.done.add(delivery.notice.eventId);
      posts.push(this.post(endpoint, JSON.stringify(delivery.notice), delivery.notice.eventId));
    }
    this.wanted = still;
    await Promise.all(posts);
  }

  private async post(endpoint: { url: string; secret: string }, body: string, eventId: string) {
    this.counts.sent += 1;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        body,
        headers: signedHeaders(endpoint.secret, eventId, body),
      });
      const answer = (await response.json().catch(() => ({}))) as { status?: string };
      if (response.status === 202 && answer.status === 'duplicate') this.counts.recognised += 1;
      else if (response.status === 202 && answer.status === 'accepted') this.counts.acceptedAgain += 1;
      else this.counts.otherAnswers += 1;
    } catch {
      this.counts.otherAnswers += 1;
    }
  }
}

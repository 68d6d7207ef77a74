// Delivers record-event notices to the configured webhook URL the way the user-event script does:
// JSON body signed with Standard Webhooks headers, one retry on 429/5xx, never throwing to the caller
// (a NetSuite user's save has already committed). Used by the admin API and `sandbox.sendNotice`.
import { Webhook } from 'standardwebhooks';
import type { RecordEventNotice } from './notice.ts';

export interface WebhookConfig {
  url: string;
  /** `whsec_<base64>` (Standard Webhooks) by default; with `secretFormat: 'raw'` its UTF-8 bytes are the key. */
  secret: string;
  secretFormat?: 'standard' | 'raw';
}

export interface NoticeDelivery {
  notice: RecordEventNotice;
  /** HTTP status of the last attempt; undefined when no answer came. */
  status: number | undefined;
  attempts: number;
  ok: boolean;
  error?: string;
  at: string;
  durationMs: number;
}

const TIMEOUT_MS = 10_000;

/** Builds the signer; throws on a secret Standard Webhooks cannot use (the admin API answers 400). */
export function webhookSigner(config: WebhookConfig): Webhook {
  return config.secretFormat === 'raw'
    ? new Webhook(config.secret, { format: 'raw' })
    : new Webhook(config.secret);
}

export class NoticeSender {
  private config: WebhookConfig | null = null;
  private signer: Webhook | null = null;
  private log: NoticeDelivery[] = [];
  private inFlight = new Set<AbortController>();
  delivered = 0;
  failed = 0;

  configure(config: WebhookConfig | null): void {
    this.signer = config === null ? null : webhookSigner(config);
    this.config = config;
  }

  current(): WebhookConfig | null {
    return this.config;
  }

  deliveries(): NoticeDelivery[] {
    return [...this.log];
  }

  clear(): void {
    this.log = [];
    this.delivered = 0;
    this.failed = 0;
  }

  /** Sends one notice; resolves with what happened (never rejects). Undefined when no webhook is set. */
  async send(notice: RecordEventNotice): Promise<NoticeDelivery | undefined> {
    const config = this.config;
    const signer = this.signer;
    if (config === null || signer === null) return undefined;
    const started = Date.now();
    const body = JSON.stringify(notice);
    let status: number | undefined;
    let error: string | undefined;
    let attempts = 0;
    while (attempts < 2) {
      attempts += 1;
      const controller = new AbortController();
      this.inFlight.add(controller);
      const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
      try {
        const at = new Date();
        const response = await fetch(config.url, {
          method: 'POST',
          body,
          signal: controller.signal,
          headers: {
            'content-type': 'application/json',
            'webhook-id': notice.eventId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(notice.eventId, at, body),
          },
        });
        await response.arrayBuffer().catch(() => undefined);
        status = response.status;
        error = undefined;
      } catch (caught) {
        status = undefined;
        error = caught instanceof Error ? caught.message : String(caught);
      } finally {
        clearTimeout(timer);
        this.inFlight.delete(controller);
      }
      if (status !== undefined && status !== 429 && status < 500) break;
    }
    const ok = status !== undefined && status >= 200 && status < 300;
    if (ok) this.delivered += 1;
    else this.failed += 1;
    const delivery: NoticeDelivery = {
      notice,
      status,
      attempts,
      ok,
      ...(error === undefined ? {} : { error }),
      at: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    };
    this.log.push(delivery);
    if (this.log.length > 1000) this.log.shift();
    return delivery;
  }

  /** Aborts deliveries still waiting for an answer (the sandbox is closing). */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
  }
}

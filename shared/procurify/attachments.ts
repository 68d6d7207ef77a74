// Downloading a bill's invoice file (BillRead `invoice_attachments[]`, the domain's InvoiceFile): the
// token only on the configured Procurify origin (never sent to other storage, at any redirect hop), a
// size limit checked on the announced and the received length, and the SHA-1 checked against `sha1_hash`.
import { createHash } from 'node:crypto';
import type { InvoiceFile } from '../ap/bill.ts';
import { BugError, classifyNetworkFailure, DataError } from '../errors.ts';
import { ProcurifyEndpoint } from './endpoint.ts';
import { classifyProcurifyAnswer, source } from './errors.ts';
import type { DownloadedAttachment, ProcurifyInvoiceFiles } from './ports.ts';

export class RestProcurifyInvoiceFiles extends ProcurifyEndpoint implements ProcurifyInvoiceFiles {
  async downloadAttachment(attachment: InvoiceFile): Promise<DownloadedAttachment> {
    const label = attachmentLabel(attachment);
    const limit = this.transport.config.maxAttachmentBytes;
    let url: URL;
    try {
      // Absolute as Procurify renders it; a relative link would be on the Procurify host.
      url = new URL(attachment.url, this.transport.base);
    } catch {
      throw new DataError(`procurify: ${label}: its file link is not a URL`, { source, path: 'file' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DataError(`procurify: ${label}: its file link is not an http(s) URL`, {
        source,
        path: 'file',
      });
    }
    if (attachment.length !== null && attachment.length > limit)
      throw this.tooLarge(label, attachment.length);
    const file = await this.transport.retrying(() => this.fetchFile(url, label));
    const expected = attachment.sha1?.trim().toLowerCase();
    if (expected !== undefined && expected !== '') {
      const actual = createHash('sha1').update(file.bytes).digest('hex');
      if (actual !== expected) {
        throw new DataError(
          `procurify: ${label}: the downloaded file's SHA-1 ${actual} is not its sha1_hash ${expected} (a damaged or replaced file)`,
          { source, code: 'attachment_checksum', path: 'sha1_hash' },
        );
      }
    }
    const declared = file.contentType?.split(';')[0]?.trim().toLowerCase();
    const contentType =
      declared === undefined || declared === '' || genericMediaTypes.has(declared)
        ? (attachment.mimetype ?? file.contentType ?? 'application/octet-stream')
        : file.contentType!;
    return { content: file.bytes, contentType };
  }

  private tooLarge(label: string, bytes: number | undefined): DataError {
    const limit = this.transport.config.maxAttachmentBytes;
    return new DataError(
      `procurify: ${label} is larger than the ${limit} bytes apsync accepts${bytes === undefined ? '' : ` (${bytes} bytes)`}`,
      { source, code: 'attachment_too_large', path: 'length' },
    );
  }

  private async fileRequest(url: URL, token: string | undefined): Promise<Response> {
    try {
      return await this.transport.fetch(url, {
        method: 'GET',
        headers:
          token === undefined
            ? { accept: '*/*' }
            : { authorization: `Bearer ${token}`, 'x-procurify-client': 'api', accept: '*/*' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.transport.config.requestTimeoutMs),
      });
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
  }

  /**
   * One download attempt. The token goes only to the configured Procurify origin (scheme, host and port):
   * a link to other storage, or a redirect there, is fetched without credentials.
   */
  private async fetchFile(
    start: URL,
    label: string,
  ): Promise<{ bytes: Uint8Array; contentType: string | null }> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const onProcurify = url.origin === this.transport.base.origin;
      let token = onProcurify ? await this.transport.tokens.getToken() : undefined;
      let response = await this.fileRequest(url, token);
      if (response.status === 401 && token !== undefined) {
        await response.body?.cancel();
        this.transport.tokens.invalidate(token);
        token = await this.transport.tokens.getToken();
        response = await this.fileRequest(url, token);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        if (hop >= maxRedirects)
          throw new BugError(`procurify: ${label}: more than ${maxRedirects} redirects`, { source });
        url = new URL(location, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
          throw new DataError(`procurify: ${label}: redirected to a link that is not http(s)`, { source });
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        const bodyText = await response.text().catch(() => '');
        if (!onProcurify && [401, 403, 404, 410].includes(response.status)) {
          // Storage refusing a pre-signed link: it expired or was revoked; a fresh read of the bill gives a new one.
          throw new DataError(
            `procurify: ${label}: the file's storage answered ${response.status}; its link may have expired (read the bill again for a fresh one)`,
            { source, status: response.status, code: 'attachment_link_refused' },
          );
        }
        // The path only: a storage link's query may carry a signature.
        throw classifyProcurifyAnswer(
          { method: 'GET', path: url.pathname, status: response.status, headers: response.headers, bodyText },
          this.transport.now(),
        );
      }
      return {
        bytes: await this.readBody(response, label),
        contentType: response.headers.get('content-type'),
      };
    }
  }

  /** The answer's bytes, refusing more than maxAttachmentBytes (announced or received). */
  private async readBody(response: Response, label: string): Promise<Uint8Array> {
    const limit = this.transport.config.maxAttachmentBytes;
    const announced = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(announced) && announced > limit) {
      await response.body?.cancel();
      throw this.tooLarge(label, announced);
    }
    const reader = response.body?.getReader();
    if (reader === undefined) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > limit) {
          await reader.cancel();
          throw this.tooLarge(label, undefined);
        }
        chunks.push(value);
      }
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }
}

/** Media types that say nothing about a file: the attachment's own `mimetype` is better. */
const genericMediaTypes = new Set(['application/octet-stream', 'binary/octet-stream', 'application/binary']);
const maxRedirects = 5;

/** How an attachment is named in errors: its name and UUID (never its URL, which may carry a signature). */
const attachmentLabel = (attachment: InvoiceFile): string =>
  `${JSON.stringify(attachment.name ?? '(no name)')} (attachment ${attachment.uuid})`;

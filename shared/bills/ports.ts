// The ports of the bill-sync use case that are not the NetSuite record API or the state store: where
// invoice files are downloaded from (the Procurify client) and where they are stored and attached (the
// NetSuite client's attachment RESTlet). Adapters: shared/procurify/attachments.ts, shared/netsuite/restlet.ts.
import type { NetSuiteAttachments } from '../netsuite/index.ts';
import type { ProcurifyAttachment } from '../procurify/ports.ts';

/** Downloads an invoice file's content as Procurify serves it (`Attachment.file`). */
export interface InvoiceFiles {
  downloadAttachment(attachment: ProcurifyAttachment): Promise<{ content: Uint8Array; contentType: string }>;
}

/** Stores a file in the File Cabinet and attaches it to a record (once per file name). */
export type InvoiceFileCabinet = Pick<NetSuiteAttachments, 'storeAttachment'>;

// The ports of the bill-sync use case that are not the NetSuite record API or the state store: where
// invoice files are downloaded from (the Procurify client) and where they are stored and attached (the
// NetSuite client's attachment RESTlet). Adapters: shared/procurify/attachments.ts, shared/netsuite/restlet.ts.
import type { InvoiceFile } from '../ap/bill.ts';
import type { NetSuiteAttachments } from '../netsuite/index.ts';

/** Downloads an invoice file's content as Procurify serves it (from its `url`). */
export interface InvoiceFiles {
  downloadAttachment(file: InvoiceFile): Promise<{ content: Uint8Array; contentType: string }>;
}

/** Stores a file in the File Cabinet and attaches it to a record (once per file name). */
export type InvoiceFileCabinet = Pick<NetSuiteAttachments, 'storeAttachment'>;

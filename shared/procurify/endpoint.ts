// The base of the client's endpoint groups (vendors, account codes, departments, bills, attachments): each
// calls Procurify through the one transport (retry, errors, auth) and reads lists through paging.ts.
import type * as z from 'zod';
import { listPages } from './paging.ts';
import type { ProcurifyTransport, Query } from './transport.ts';

export abstract class ProcurifyEndpoint {
  protected readonly transport: ProcurifyTransport;

  constructor(transport: ProcurifyTransport) {
    this.transport = transport;
  }

  /** Every record of the list at `path` (`what` names it in errors), page by page. */
  protected list<T extends z.ZodType>(path: string, item: T, what: string, query: Query) {
    return listPages(this.transport, path, query, item, what);
  }
}

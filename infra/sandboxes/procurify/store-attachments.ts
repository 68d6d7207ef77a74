// The invoice files of the Procurify sandbox's bills: built from a Procurify user's upload (UUID, size,
// SHA-1), found by UUID for the download route, and attached to a bill later (a new bill version). Part
// of the store (store.ts); each write is told to the change hook (store-records.ts) before it returns.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { type AttachmentInput, attachmentInputSchema } from './inputs.ts';
import type { AttachmentRecord, BillRecord } from './model.ts';
import { type ProcurifyRecords, SandboxInputError } from './store-records.ts';

function buildAttachment(
  store: ProcurifyRecords,
  input: z.output<typeof attachmentInputSchema>,
  created: number,
): AttachmentRecord {
  const bytes = Buffer.from(input.content, 'base64');
  let uuid = input.uuid ?? store.uuid();
  while (input.uuid === undefined && attachment(store, uuid) !== undefined) uuid = store.uuid();
  for (const bill of store.bills.values())
    if (bill.attachments.some((a) => a.uuid === uuid))
      throw new SandboxInputError(`attachment ${uuid} already exists`, 409);
  return {
    id: store.allocate('attachment'),
    uuid,
    name: input.name,
    description: input.description,
    mimetype: input.mimetype,
    contentBase64: input.content,
    length: bytes.length,
    sha1: input.sha1_hash ?? createHash('sha1').update(bytes).digest('hex'),
    externalUrl: input.file_url ?? null,
    user: 1,
    created,
  };
}

export function buildAttachments(
  store: ProcurifyRecords,
  inputs: z.output<typeof attachmentInputSchema>[],
  created: number,
): AttachmentRecord[] {
  const built: AttachmentRecord[] = [];
  for (const input of inputs) {
    const record = buildAttachment(store, input, created);
    if (built.some((a) => a.uuid === record.uuid))
      throw new SandboxInputError(`attachment ${record.uuid} listed twice`, 409);
    built.push(record);
  }
  return built;
}

/** The attachment with this UUID and its bill (the download route's lookup). */
export function attachment(
  store: ProcurifyRecords,
  uuid: string,
): { bill: BillRecord; attachment: AttachmentRecord } | undefined {
  for (const bill of store.bills.values()) {
    const attachment = bill.attachments.find((a) => a.uuid === uuid);
    if (attachment !== undefined) return { bill, attachment };
  }
  return undefined;
}

/** A Procurify user attaches an invoice file to a bill (a new version of the bill). */
export function addBillAttachment(
  store: ProcurifyRecords,
  uuid: string,
  input: AttachmentInput,
): AttachmentRecord {
  const bill = store.bill(uuid);
  const value = attachmentInputSchema.parse(input);
  const at = store.clock.tick();
  const attachment = buildAttachment(store, value, at);
  bill.attachments.push(attachment);
  bill.version += 1;
  bill.modified = at;
  store.changed({ collection: 'bills', record: bill });
  return attachment;
}

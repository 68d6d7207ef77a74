// The preview of a record's next write, one function for `apsync preview` and the console's record page:
// NetSuite vendors, accounts and departments (preview-master-data.ts), Procurify bills and payments
// (preview-transactions.ts), each the decision its worker takes; anything else is refused by name.
import { DataError } from '../errors.ts';
import type { RecordRef } from '../state/model.ts';
import type { PlannedWrite, PreviewSources } from './ports.ts';
import { previewMasterData } from './preview-master-data.ts';
import { previewBill, previewPayment } from './preview-transactions.ts';
import { previewable } from './previewable.ts';

export type { PlannedWrite, PreviewSources } from './ports.ts';
export { previewable } from './previewable.ts';

export async function previewRecord(
  sources: PreviewSources,
  ref: RecordRef,
  /** How the record is named in the refusal (`vendor:12`). */
  name: string,
): Promise<PlannedWrite> {
  if (previewable(ref)) {
    if (ref.system === 'netsuite')
      return previewMasterData(sources, ref as RecordRef & { kind: 'vendor' | 'account' | 'department' });
    return ref.kind === 'bill' ? previewBill(sources, ref.id) : previewPayment(sources, ref.id);
  }
  throw new DataError(
    `${name} is not a record apsync writes anywhere; preview vendors, accounts, departments, bills or payments`,
    { source: 'apsync', code: 'not-previewable' },
  );
}

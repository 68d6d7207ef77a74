// Which records have a next write to preview (`apsync preview`, the console's record page): NetSuite
// master data going to Procurify, Procurify bills and payments going to NetSuite. A module of its own,
// without the planners, so the console can tell without loading the preview.
import type { RecordRef } from '../state/model.ts';

/** Whether apsync writes the record anywhere, so a preview of its next write exists. */
export function previewable(ref: RecordRef): boolean {
  return ref.system === 'netsuite'
    ? ref.kind === 'vendor' || ref.kind === 'account' || ref.kind === 'department'
    : ref.kind === 'bill' || (ref.kind === 'payment' && ref.id !== 'mode');
}

// The record page's "Next write": the preview `apsync preview` prints, made by the same function
// (shared/preview/preview-record.ts) — the record type and target, the exact body (fields, lines,
// amounts), its validation and notes — or the reason nothing would be written. Nothing is written.
import { classOf } from '../errors.ts';
import { type PreviewSources, previewRecord } from '../preview/preview-record.ts';
import type { RecordRef } from '../state/model.ts';
import { type Html, html } from './html.ts';

const outcomes: Record<string, string> = {
  create: 'would be created',
  update: 'would be updated',
  unchanged: 'nothing would be written: unchanged',
  skipped: 'nothing would be written',
  review: 'nothing would be written: it would be parked for review',
  invalid: 'nothing would be written: invalid',
  deactivate: 'would be made inactive',
};

/** The next write of a record apsync writes somewhere (the caller has checked: previewable.ts). */
export async function nextWrite(
  sources: PreviewSources | undefined,
  ref: RecordRef,
  name: string,
): Promise<Html> {
  const command = html`<code>npx apsync preview ${name}</code>`;
  if (sources === undefined) return html`<p>The exact body the next sync would write: ${command}</p>`;
  let planned: Awaited<ReturnType<typeof previewRecord>>;
  try {
    planned = await previewRecord(sources, ref, name);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return html`<p class="notice error">No preview: ${classOf(error) === 'data' ? '' : 'a service did not answer — '}${message}</p>
<p>Try again later, or run ${command}.</p>`;
  }
  const { target, validation } = planned;
  const system = (value: 'netsuite' | 'procurify') => (value === 'netsuite' ? 'NetSuite' : 'Procurify');
  return html`<p class="next-write"><strong>${
    target === null
      ? 'Nothing'
      : `${system(target.system)} ${target.kind}${target.id === null ? '' : ` ${target.id}`}`
  }</strong> ${outcomes[planned.outcome] ?? planned.outcome}${planned.reason === undefined ? '' : html` — <span class="message">${planned.reason}</span>`}</p>
${target === null ? '' : html`<p><code>${target.method} ${target.path}</code></p>`}
${
  planned.payload === null || planned.payload === undefined
    ? ''
    : html`<details open><summary>Body that would be sent</summary><pre>${JSON.stringify(planned.payload, null, 2)}</pre></details>`
}
<p>Validation: ${validation.valid ? 'passes' : html`<strong>fails</strong> — <span class="message">${validation.issues.join('; ')}</span>`}</p>
${planned.notes.length === 0 ? '' : html`<ul>${planned.notes.map((note) => html`<li class="message">${note}</li>`)}</ul>`}
<p><small>A dry run, as ${command} shows it: nothing was written.</small></p>`;
}

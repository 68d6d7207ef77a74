// The overview's "Alarms": where the stack's alarms are evaluated. Local mode has no CloudWatch, so
// none is; on AWS the console links to the CloudWatch alarms of the stack (their names start with the
// prefix, README "Operating") — it does not read their state itself, which would need a CloudWatch
// client the project does not bundle.
import { type Html, html } from './html.ts';

export type AlarmsPlace = { kind: 'local' } | { kind: 'cloudwatch'; region: string; prefix: string };

export function alarmsNote(place: AlarmsPlace | undefined): Html {
  if (place === undefined || place.kind === 'local') {
    return html`<p>Alarms are not evaluated in local mode (no CloudWatch here): the failures, queues and lags above are what they watch.</p>`;
  }
  const url = `https://${place.region}.console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(place.region)}#alarmsV2:`;
  return html`<p>The stack's alarms (named <code>${place.prefix}-…</code>) are evaluated by CloudWatch: <a href="${url}" rel="noreferrer">see which are in ALARM</a>. They notify the alarm topic.</p>`;
}

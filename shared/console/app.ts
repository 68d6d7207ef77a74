// The operator console as one request handler, whatever serves it (local mode's loopback server; a
// Lambda behind API Gateway): server-rendered pages — overview, failures, record, settings — and the
// confirmed, CSRF-protected, audited actions replay, dismiss and redrive. No secret reaches the browser.
import { randomBytes } from 'node:crypto';
import { SyncError } from '../errors.ts';
import { previewable } from '../preview/previewable.ts';
import { type QueueKey, queueDefinitions } from '../resources.ts';
import type { RecordKind, RecordRef, SystemName } from '../state/model.ts';
import { formatLag, lagSeconds } from '../state/watermark-lag.ts';
import { dismiss, recentActions, redrive, replay, replayable } from './actions.ts';
import { alarmsNote } from './alarms.ts';
import { type ConsoleAuth, type ConsoleIdentity, type ConsoleRequest, csrfToken, validCsrf } from './auth.ts';
import { peekDeadLetters } from './dead-letters.ts';
import { type Html, html, layout, type Page, script, stylesheet, time } from './html.ts';
import {
  type ConsoleData,
  type FailureStatus,
  failureStatuses,
  formatRecord,
  listFailures,
  readOverview,
  readRecord,
  recordKinds,
} from './read-model.ts';
import type { ConsoleSettings, SettingsPageContext } from './settings-page.ts';

/**
 * The settings page with the settings catalog and the change, loaded when a settings request first
 * comes: the catalog's schemas and the bill-sync document's (~180 zod schema objects, ~21 KiB of code)
 * are not built in a container that never shows settings.
 */
const settingsPage = () => import('./settings-page.ts');

/**
 * The record page's next write (the preview, with the workers' plans of master data, bills and payments
 * it runs), loaded when a record page is first shown: a container serving only the overview, the failures
 * and the actions never compiles that code.
 */
const nextWritePart = () => import('./next-write.ts');

export type { ConsoleRequest } from './auth.ts';

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie values. */
  cookies?: string[];
  body: string;
}

export interface ConsoleOptions {
  data: ConsoleData;
  auth: ConsoleAuth;
  /** Where the console is mounted, ending in `/` (`/` locally, `/console/` behind a stage path). */
  basePath?: string;
  /** Keys the CSRF tokens; a fresh random one per process when absent (tokens die with the process). */
  csrfSecret?: Buffer;
  /** Shown in the overview: `.apsync/ (local)`. */
  label?: string;
  /** The settings page's deployment values and change (settings-page.ts); absent: read-only. */
  settings?: ConsoleSettings;
}

const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export type ConsoleHandler = (request: ConsoleRequest) => Promise<ConsoleResponse>;

export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const base = options.basePath ?? '/';
  const secret = options.csrfSecret ?? randomBytes(32);
  const { data, auth } = options;
  const settings: ConsoleSettings = options.settings ?? {
    deployment: { defaultPaymentMode: data.defaultPaymentMode, settings: {} },
  };
  const settingsContext = (csrf: string): SettingsPageContext => ({
    store: data.state,
    settings,
    base,
    csrf,
  });

  const page = (status: number, content: Page, headers: Record<string, string> = {}): ConsoleResponse => ({
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...securityHeaders, ...headers },
    body: layout(content, base),
  });
  const redirect = (location: string): ConsoleResponse => ({
    status: 303,
    headers: { location: /^https?:/.test(location) ? location : `${base}${location}`, ...securityHeaders },
    body: '',
  });

  return async (request) => {
    const { method, path } = request;
    if (method === 'GET' && path === '/assets/console.css') {
      return { status: 200, headers: { 'content-type': 'text/css', ...securityHeaders }, body: stylesheet };
    }
    if (method === 'GET' && path === '/assets/console.js') {
      return {
        status: 200,
        headers: { 'content-type': 'text/javascript', ...securityHeaders },
        body: script,
      };
    }
    const routed = await auth.routes?.(request, base);
    if (routed !== undefined) {
      return { ...routed, headers: { ...securityHeaders, ...routed.headers }, body: routed.body ?? '' };
    }
    if (path === '/login' && auth.login !== undefined) {
      if (method === 'POST') {
        const cookie = auth.login.check(new URLSearchParams(request.body).get('token') ?? '');
        if (cookie !== undefined) return { ...redirect(''), cookies: [cookie] };
        return page(401, {
          title: 'Sign in',
          body: loginForm(base),
          notice: { kind: 'error', text: 'Wrong access token.' },
        });
      }
      return page(200, { title: 'Sign in', body: loginForm(base) });
    }
    const identity = await auth.identify(request);
    if (identity === undefined) {
      if (method === 'GET' && (auth.login !== undefined || auth.routes !== undefined))
        return redirect('login');
      return page(401, {
        title: 'Sign in required',
        body: auth.login === undefined ? html`<p>Sign in first.</p>` : loginForm(base),
      });
    }
    const csrf = csrfToken(secret, identity);
    const view = (title: string, body: Html, notice?: Page['notice'], status = 200) =>
      page(status, { title, body, user: identity.user, csrf, ...(notice === undefined ? {} : { notice }) });
    try {
      if (method === 'POST') {
        const form = new URLSearchParams(request.body);
        if (!validCsrf(secret, identity, form.get('csrf'))) {
          return view(
            'Refused',
            html`<p>The form's security token is missing or out of date. Go back, reload the page and try again.</p>`,
            { kind: 'error', text: 'CSRF token missing or invalid: nothing was done.' },
            403,
          );
        }
        if (path === '/settings/confirm' || path === '/actions/settings') {
          const context = settingsContext(csrf);
          const done =
            path === '/settings/confirm'
              ? await (await settingsPage()).confirmSettingView(context, form)
              : await (await settingsPage()).changeSettingView(context, form, identity.user);
          return done.redirect === undefined
            ? view(done.title, done.body, undefined, done.status)
            : redirect(done.redirect);
        }
        return await act(path, form, identity, redirect, view);
      }
      if (method !== 'GET')
        return view('Not allowed', html`<p>${method} is not supported.</p>`, undefined, 405);
      const notice = noticeOf(request.query);
      switch (path) {
        case '/':
          return view('Overview', overviewBody(await readOverview(data), options.label, base, csrf), notice);
        case '/failures':
          return view('Failures', await failuresBody(data, request.query, base), notice);
        case '/record': {
          const ref = refOf(request.query);
          if (ref === undefined)
            return view('No such record', html`<p>Give system, kind and id.</p>`, undefined, 400);
          return view(formatRecord(ref), await recordBody(data, ref, base), notice);
        }
        case '/settings':
          return view('Settings', await settingsBody(data, settingsContext(csrf)), notice);
        case '/settings/edit': {
          const edit = await (await settingsPage()).editSettingView(
            settingsContext(csrf),
            request.query.get('name') ?? '',
          );
          return view(edit.title, edit.body, undefined, edit.status);
        }
        case '/confirm':
          return confirmPage(request.query, base, csrf, view);
        default:
          return view(
            'Not found',
            html`<p>No page ${path}. <a href="${base}">Overview</a></p>`,
            undefined,
            404,
          );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const expected = error instanceof SyncError && error.errorClass === 'data';
      return view(
        'Could not do that',
        html`<p class="notice error">${message}</p>`,
        undefined,
        expected ? 400 : 500,
      );
    }
  };

  async function act(
    path: string,
    form: URLSearchParams,
    identity: ConsoleIdentity,
    redirect: (location: string) => ConsoleResponse,
    view: (title: string, body: Html, notice?: Page['notice'], status?: number) => ConsoleResponse,
  ): Promise<ConsoleResponse> {
    if (path === '/logout') {
      const cookies = [
        ...(auth.login === undefined ? [] : [auth.login.logoutCookie]),
        ...(auth.logoutCookies ?? []),
      ];
      if (auth.logoutPath === undefined) return { ...redirect('login'), cookies };
      // A link, not a redirect: the Content-Security-Policy's form-action keeps POSTs on this site.
      return {
        ...page(200, {
          title: 'Signed out',
          body: html`<p>You are signed out of the console. <a href="${auth.logoutPath}">End the sign-in session</a> too, on a shared computer.</p>`,
        }),
        cookies,
      };
    }
    if (path === '/actions/redrive') {
      const queue = form.get('queue') as QueueKey;
      if (!(queue in queueDefinitions))
        return view('Unknown queue', html`<p>No queue ${queue}.</p>`, undefined, 400);
      const done = await redrive(data, queue, identity.user);
      return redirect(`?notice=${encodeURIComponent(done)}`);
    }
    const ref = refOf(form);
    if (ref === undefined)
      return view('No such record', html`<p>Give system, kind and id.</p>`, undefined, 400);
    const back = `record?${recordQuery(ref)}`;
    if (path === '/actions/replay') {
      const done = await replay(data, ref, identity.user);
      return redirect(`${back}&notice=${encodeURIComponent(done)}`);
    }
    if (path === '/actions/dismiss') {
      const done = await dismiss(data, ref, form.get('reason') ?? '', identity.user);
      return redirect(`${back}&notice=${encodeURIComponent(done)}`);
    }
    return view('Not found', html`<p>No action ${path}.</p>`, undefined, 404);
  }
}

function loginForm(base: string): Html {
  return html`<form method="post" action="${base}login">
<p>Paste the console access token printed in the <code>apsync ready</code> banner (also in <code>local.json</code>, <code>console.token</code>).</p>
<label for="token">Access token <input id="token" name="token" type="password" autocomplete="current-password" required autofocus></label>
<p><button type="submit">Sign in</button></p>
</form>`;
}

function noticeOf(query: URLSearchParams): Page['notice'] {
  const text = query.get('notice');
  return text === null || text === '' ? undefined : { kind: 'ok', text };
}

const systems: readonly SystemName[] = ['netsuite', 'procurify'];

function refOf(params: URLSearchParams): RecordRef | undefined {
  const system = params.get('system') as SystemName;
  const kind = params.get('kind') as RecordKind;
  const id = params.get('id')?.trim() ?? '';
  if (!systems.includes(system) || !recordKinds.includes(kind) || id === '' || id.length > 100)
    return undefined;
  return { system, kind, id };
}

const recordQuery = (ref: RecordRef): string =>
  new URLSearchParams({ system: ref.system, kind: ref.kind, id: ref.id }).toString();

const recordLink = (ref: RecordRef, base: string): Html =>
  html`<a href="${base}record?${recordQuery(ref)}">${formatRecord(ref)}</a>`;

function overviewBody(
  overview: Awaited<ReturnType<typeof readOverview>>,
  label: string | undefined,
  base: string,
  _csrf: string,
): Html {
  const mode = overview.paymentMode;
  const last = overview.lastReconcile;
  return html`${label === undefined ? '' : html`<p>Stack: ${label}</p>`}
<p>Payment mode: <strong>${mode.mode}</strong> ${mode.source === 'operator' ? html`(set by ${mode.changedBy ?? '-'} at ${time(mode.changedAt)})` : '(default)'}</p>
<p>${overview.initialLoad.replace(/^initial load/, 'Initial load')}</p>
<h2>Flows</h2>
<table><thead><tr><th scope="col">flow</th><th scope="col">every</th><th scope="col">last run</th><th scope="col">outcome</th><th scope="col">watermarks</th></tr></thead><tbody>
${overview.flows.map(
  (
    flow,
  ) => html`<tr><td>${flow.flow}</td><td>${flow.rateSeconds === undefined ? '-' : flow.rateSeconds === 0 ? 'on demand' : `${flow.rateSeconds} s`}</td>
<td>${time(flow.startedAt)}</td><td>${flow.startedAt === undefined ? '-' : (flow.outcome ?? 'running')}${flow.error === undefined ? '' : `: ${flow.error}`}</td>
<td>${flow.watermarks.length === 0 ? '-' : flow.watermarks.map((mark) => html`${mark.name.split(':').at(-1)} ${mark.value === null ? '-' : mark.value}${lagOf(mark.value)}<br>`)}</td></tr>`,
)}
</tbody></table>
<h2>Records by state</h2>
${
  overview.counts.length === 0
    ? html`<p>None yet.</p>`
    : html`<table><thead><tr><th scope="col">kind</th><th scope="col">state</th><th scope="col">count</th></tr></thead><tbody>
${overview.counts.map(
  (entry) =>
    html`<tr><td>${entry.kind}</td><td>${
      failureStatuses.includes(entry.status as FailureStatus)
        ? html`<a href="${base}failures?kind=${entry.kind}&amp;state=${entry.status}">${entry.status}</a>`
        : entry.status
    }</td><td>${entry.count}</td></tr>`,
)}</tbody></table>`
}
<h2>Queues</h2>
<table><thead><tr><th scope="col">queue</th><th scope="col">visible</th><th scope="col">in flight</th><th scope="col">delayed</th><th scope="col">dead-letter</th><th scope="col"></th></tr></thead><tbody>
${overview.queues.map((queue) => {
  const dead = queue.deadLetter.visible + queue.deadLetter.inFlight;
  return html`<tr><td>${queue.queue}</td><td>${queue.depth.visible}</td><td>${queue.depth.inFlight}</td><td>${queue.depth.delayed}</td><td>${dead}</td>
<td>${dead === 0 ? '' : html`<a href="${base}confirm?action=redrive&amp;queue=${queue.queue}">Redrive…</a>`}</td></tr>`;
})}
</tbody></table>
<h2>Last reconcile</h2>
<p>${
    last === undefined
      ? 'Never (apsync reconcile).'
      : html`${time(last.reconciledAsOf)}: ${last.totals.discrepancies} discrepancies, ${last.totals.repaired} repaired, ${last.totals.open} open (${last.areas.join(', ')}${last.fix ? ', --fix' : ''})`
  }</p>
<h2>Alarms</h2>
${alarmsNote(overview.alarms)}`;
}

/** ` (lag 3 min)` after a watermark holding an instant. */
function lagOf(value: string | null): string {
  const seconds = value === null ? null : lagSeconds(value, new Date());
  return seconds === null ? '' : ` (lag ${formatLag(seconds)})`;
}

const ages: ReadonlyArray<[string, string, number]> = [
  ['1h', 'older than an hour', 3600],
  ['1d', 'older than a day', 86_400],
  ['7d', 'older than a week', 604_800],
];

async function failuresBody(data: ConsoleData, query: URLSearchParams, base: string): Promise<Html> {
  const kind = recordKinds.find((entry) => entry === query.get('kind'));
  const deadLettered = query.get('state') === 'dead-lettered';
  const status = failureStatuses.find((entry) => entry === query.get('state'));
  const text = query.get('q') ?? '';
  const age = ages.find(([value]) => value === query.get('age'));
  const { records, truncated } = deadLettered
    ? { records: [], truncated: false }
    : await listFailures(data, {
        ...(kind === undefined ? {} : { kind }),
        ...(status === undefined ? {} : { status }),
        ...(text === '' ? {} : { text }),
        ...(age === undefined ? {} : { olderThanSeconds: age[2] }),
      });
  const needle = text.trim().toLowerCase();
  const cutoff = age === undefined ? undefined : new Date(Date.now() - age[2] * 1000).toISOString();
  const letters =
    status !== undefined
      ? []
      : (await peekDeadLetters(data)).filter(
          (letter) =>
            (kind === undefined || letter.record?.kind === kind) &&
            (needle === '' ||
              `${letter.record === undefined ? '' : formatRecord(letter.record)} ${letter.lastError ?? ''}`
                .toLowerCase()
                .includes(needle)) &&
            (cutoff === undefined || (letter.lastFailureAt ?? letter.sentAt ?? '') <= cutoff),
        );
  const chosenState = deadLettered ? 'dead-lettered' : status;
  const option = (value: string, chosen: string | undefined, label = value) =>
    html`<option value="${value}"${value === (chosen ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="${base}failures" class="filters" role="search">
<label for="kind">Kind <select id="kind" name="kind">${option('', kind, 'all')}${recordKinds.map((entry) => option(entry, kind))}</select></label>
<label for="state">State <select id="state" name="state">${option('', chosenState, 'review, failed and dead-lettered')}${failureStatuses.map((entry) => option(entry, chosenState))}${option('dead-lettered', chosenState)}</select></label>
<label for="age">Age <select id="age" name="age">${option('', age?.[0], 'any')}${ages.map(([value, label]) => option(value, age?.[0], label))}</select></label>
<label for="q">Text <input id="q" name="q" type="search" value="${text}"></label>
<button type="submit">Filter</button>
</form>
${
  deadLettered
    ? ''
    : records.length === 0
      ? html`<p>No records ${status ?? 'in review or failed'} match.</p>`
      : html`<table><thead><tr><th scope="col">record</th><th scope="col">state</th><th scope="col">since</th><th scope="col">message</th><th scope="col">waiting for</th></tr></thead><tbody>
${records.map(
  (
    state,
  ) => html`<tr><td>${recordLink(state.ref, base)}</td><td>${state.status}</td><td>${time(state.updatedAt)}</td>
<td class="message">${state.message ?? '-'}</td><td>${state.waitingFor?.join(', ') ?? '-'}</td></tr>`,
)}</tbody></table>`
}
${truncated ? html`<p>More records not shown: narrow the filter.</p>` : ''}
${
  status !== undefined
    ? ''
    : html`<h2>Dead-lettered messages</h2>${
        letters.length === 0
          ? html`<p>None match.</p>`
          : html`<table><thead><tr><th scope="col">queue</th><th scope="col">record</th><th scope="col">receives</th><th scope="col">last failure</th><th scope="col">last error</th></tr></thead><tbody>
${letters.map(
  (
    letter,
  ) => html`<tr><td>${letter.queue}</td><td>${letter.record === undefined ? letter.messageId : recordLink(letter.record, base)}</td><td>${letter.receiveCount}</td>
<td>${time(letter.lastFailureAt ?? letter.sentAt)}</td><td class="message">${letter.errorClass === undefined ? '' : `${letter.errorClass}: `}${letter.lastError ?? '-'}</td></tr>`,
)}</tbody></table>
<p>Fix the cause, then redrive the queue from the <a href="${base}">overview</a>.</p>`
      }`
}`;
}

async function recordBody(data: ConsoleData, ref: RecordRef, base: string): Promise<Html> {
  const view = await readRecord(data, ref);
  const { state, link } = view;
  const query = recordQuery(ref);
  const inReview = state !== undefined && (state.status === 'review' || state.status === 'failed');
  return html`<dl>
<dt>State</dt><dd>${state === undefined ? 'none recorded' : html`<strong>${state.status}</strong> since ${time(state.updatedAt)}`}</dd>
${state?.message === undefined ? '' : html`<dt>Message</dt><dd class="message">${state.message}</dd>`}
${state?.waitingFor?.length ? html`<dt>Waiting for</dt><dd>${state.waitingFor.join(', ')}</dd>` : ''}
<dt>Link</dt><dd>${link === undefined ? 'none' : html`NetSuite ${link.netsuiteId} ↔ Procurify ${link.procurifyId} (${link.origin}, ${time(link.linkedAt)})`}</dd>
</dl>
<p>
${state !== undefined && replayable(ref) ? html`<a href="${base}confirm?action=replay&amp;${query}">Replay…</a>` : ''}
${inReview ? html` · <a href="${base}confirm?action=dismiss&amp;${query}">Dismiss…</a>` : ''}
</p>
<h2>Next write</h2>
${await nextWriteSection(data, ref)}
<h2>Audit trail</h2>
${
  view.entries.length === 0
    ? html`<p>No audit entries.</p>`
    : html`<ol class="timeline">${view.entries.map(
        (entry) =>
          html`<li>${time(entry.at)} <strong>${entry.step}</strong>${entry.message === undefined ? '' : html` — <span class="message">${entry.message}</span>`}${
            entry.facts === undefined
              ? ''
              : html` <small>${Object.entries(entry.facts)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(' ')}</small>`
          }</li>`,
      )}</ol>`
}`;
}

/**
 * The record page's next write; if its part cannot be loaded, the page says so and shows the rest (a
 * record apsync writes nowhere needs no part: it has no next write).
 */
async function nextWriteSection(data: ConsoleData, ref: RecordRef): Promise<Html> {
  if (!previewable(ref)) {
    return html`<p>apsync writes ${formatRecord(ref)} nowhere: there is no next write.</p>`;
  }
  let part: Awaited<ReturnType<typeof nextWritePart>>;
  try {
    part = await nextWritePart();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return html`<p class="notice error">No preview: the preview could not be loaded — ${message}</p>
<p>Run <code>npx apsync preview ${formatRecord(ref)}</code>.</p>`;
  }
  return part.nextWrite(data.preview, ref, formatRecord(ref));
}

async function settingsBody(data: ConsoleData, context: SettingsPageContext): Promise<Html> {
  const [list, actions] = await Promise.all([
    settingsPage().then((page) => page.settingsListBody(context)),
    recentActions(data),
  ]);
  return html`${list}
<h2>Recent console actions</h2>
${
  actions.length === 0
    ? html`<p>None yet.</p>`
    : html`<table><thead><tr><th scope="col">at</th><th scope="col">user</th><th scope="col">action</th><th scope="col">on</th><th scope="col">detail</th></tr></thead><tbody>
${actions.map((action) => html`<tr><td>${time(action.at)}</td><td>${action.user}</td><td>${action.action}</td><td>${action.subject}</td><td class="message">${action.detail ?? ''}</td></tr>`)}
</tbody></table>`
}`;
}

function confirmPage(
  query: URLSearchParams,
  base: string,
  csrf: string,
  view: (title: string, body: Html, notice?: Page['notice'], status?: number) => ConsoleResponse,
): ConsoleResponse {
  const action = query.get('action');
  const hidden = html`<input type="hidden" name="csrf" value="${csrf}">`;
  if (action === 'redrive') {
    const queue = query.get('queue') ?? '';
    if (!(queue in queueDefinitions))
      return view('Unknown queue', html`<p>No queue ${queue}.</p>`, undefined, 400);
    return view(
      `Redrive the ${queue} dead-letter queue?`,
      html`<form method="post" action="${base}actions/redrive">${hidden}<input type="hidden" name="queue" value="${queue}">
<p>Every message of the ${queue} dead-letter queue goes back to the ${queue} queue and is processed again. Fix what made them fail first.</p>
<p><button type="submit">Redrive</button> <a href="${base}">Cancel</a></p></form>`,
    );
  }
  const ref = refOf(query);
  if (ref === undefined || (action !== 'replay' && action !== 'dismiss')) {
    return view('Nothing to confirm', html`<p>Unknown action.</p>`, undefined, 400);
  }
  const fields = html`${hidden}<input type="hidden" name="system" value="${ref.system}"><input type="hidden" name="kind" value="${ref.kind}"><input type="hidden" name="id" value="${ref.id}">`;
  const cancel = html`<a href="${base}record?${recordQuery(ref)}">Cancel</a>`;
  if (action === 'replay') {
    return view(
      `Replay ${formatRecord(ref)}?`,
      html`<form method="post" action="${base}actions/replay">${fields}
<p>${
        ref.kind === 'payment'
          ? 'The payment-push worker pushes the payment to NetSuite again (requests within 2 minutes are one).'
          : 'apsync reads the record again and writes it, even if nothing changed. Fix its data first.'
      }</p>
<p><button type="submit">Replay</button> ${cancel}</p></form>`,
    );
  }
  return view(
    `Dismiss ${formatRecord(ref)}?`,
    html`<form method="post" action="${base}actions/dismiss">${fields}
<p>The record leaves the failures list; a later change syncs it again.</p>
<label for="reason">Reason (kept in the audit trail) <textarea id="reason" name="reason" required rows="3" cols="60"></textarea></label>
<p><button type="submit">Dismiss</button> ${cancel}</p></form>`,
  );
}

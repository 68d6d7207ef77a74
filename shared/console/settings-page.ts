// The console's settings page: every setting of the catalog (shared/settings/catalog.ts) with its
// meaning, current value and where it comes from; changing one is three steps — the edit form, a
// confirmation showing the old and new value (the value is validated first: an error is shown next to
// the field), then the change itself through shared/settings/change-settings.ts (checked against NetSuite
// and Procurify, recorded with the console user), each POST carrying the console's CSRF token.
import { SyncError } from '../errors.ts';
import {
  initialKey,
  parseSettingValue,
  settingDefinition,
  settingsCatalog,
  settingValueFromText,
  settingValueText,
} from '../settings/catalog.ts';
import {
  type ChangeSettingsDependencies,
  type ChangeSettingsResult,
  changeSettings,
} from '../settings/change-settings.ts';
import { type DeploymentSettings, readHistory, readSettingValues } from '../settings/settings-store.ts';
import type { ConfigStore } from '../state/ports.ts';
import { type Html, html, time } from './html.ts';

/** What the settings page needs: the deployment's values, and (to change them) the change's dependencies. */
export interface ConsoleSettings {
  deployment: DeploymentSettings;
  /** Absent: the page is read-only (it says to use `apsync settings set`). */
  dependencies?: () => Promise<ChangeSettingsDependencies>;
}

export interface SettingsPageContext {
  store: Pick<ConfigStore, 'getConfig'>;
  settings: ConsoleSettings;
  base: string;
  csrf: string;
}

/** A page: title, body and HTTP status (the console's layout wraps it). */
export interface SettingsView {
  title: string;
  body: Html;
  status: number;
  /** After a change: where to go (a redirect, with the notice). */
  redirect?: string;
}

/** Unset shows as empty here (the pages add `none` where a value stands alone). */
const shown = (value: unknown): string => settingValueText(value, '');

/** The value as the edit form shows it: text settings as their text form (`1,3`, `1:3,2:5`), the others as JSON. */
function formText(input: 'text' | 'json', value: unknown): string {
  if (value === null || value === undefined) return '';
  if (input === 'json') return JSON.stringify(value, null, 2);
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([key, entry]) => `${key}:${String(entry)}`)
      .join(',');
  return shown(value);
}

export async function settingsListBody(context: SettingsPageContext): Promise<Html> {
  const [values, history] = await Promise.all([
    readSettingValues(context.store, context.settings.deployment),
    readHistory(context.store),
  ]);
  const editable = context.settings.dependencies !== undefined;
  const groups = [...new Set(settingsCatalog.map((setting) => setting.group))];
  return html`${
    editable
      ? ''
      : html`<p>Change settings with <code>npx apsync settings set &lt;name&gt; &lt;value&gt;</code>.</p>`
  }
${groups.map(
  (group) => html`<h2>${group[0]?.toUpperCase()}${group.slice(1)}</h2>
<table><thead><tr><th scope="col">setting</th><th scope="col">value</th><th scope="col">from</th><th scope="col">meaning</th><th scope="col"></th></tr></thead><tbody>
${values
  .filter((value) => value.definition.group === group)
  .map(
    (value) => html`<tr id="${value.definition.name}"><td><code>${value.definition.name}</code></td>
<td class="message"><code>${shown(value.value) || 'none'}</code></td>
<td>${
      value.source === 'operator'
        ? html`set by ${value.changedBy ?? 'an operator'} ${time(value.changedAt)}`
        : value.source === 'deployment'
          ? html`cdk.json <code>${initialKey(value.definition)}</code>`
          : html`default (${value.definition.defaultText})`
    }</td>
<td class="message">${value.definition.meaning}</td>
<td>${editable ? html`<a href="${context.base}settings/edit?name=${encodeURIComponent(value.definition.name)}" aria-label="Change ${value.definition.name}">Change…</a>` : ''}</td></tr>`,
  )}
</tbody></table>`,
)}
<h2>Recent setting changes</h2>
${
  history.length === 0
    ? html`<p>None yet.</p>`
    : html`<table><thead><tr><th scope="col">at</th><th scope="col">who</th><th scope="col">setting</th><th scope="col">from</th><th scope="col">to</th></tr></thead><tbody>
${history
  .slice(0, 50)
  .map(
    (change) =>
      html`<tr><td>${time(change.at)}</td><td>${change.by} (${change.via})</td><td><code>${change.name}</code></td><td class="message">${shown(change.previous) || 'none'}</td><td class="message">${shown(change.value) || 'none'}</td></tr>`,
  )}</tbody></table>`
}`;
}

/** The edit form of one setting, with the text given and the problem next to the field. */
export async function editSettingView(
  context: SettingsPageContext,
  name: string,
  given?: { text: string; error: string },
): Promise<SettingsView> {
  const definition = settingDefinition(name);
  const [current] = await readSettingValues(context.store, context.settings.deployment, [name]);
  const text = given?.text ?? formText(definition.input, current?.value);
  const errorId = 'value-error';
  const field =
    definition.input === 'json'
      ? html`<textarea id="value" name="value" rows="8" cols="70"${given === undefined ? '' : html` aria-invalid="true" aria-describedby="${errorId}"`}>${text}</textarea>`
      : html`<input id="value" name="value" value="${text}" size="50"${given === undefined ? '' : html` aria-invalid="true" aria-describedby="${errorId}"`}>`;
  return {
    title: `Change ${name}`,
    status: given === undefined ? 200 : 400,
    body: html`<p class="message">${definition.meaning}</p>
<p>Now: <code>${shown(current?.value) || 'none'}</code>. Default: ${definition.defaultText}. ${
      definition.input === 'json' ? 'JSON; empty = none.' : 'Empty = none.'
    }</p>
<form method="post" action="${context.base}settings/confirm">
<input type="hidden" name="csrf" value="${context.csrf}"><input type="hidden" name="name" value="${name}">
<label for="value">New value ${field}</label>
${given === undefined ? '' : html`<p class="notice error" id="${errorId}" role="alert">${given.error}</p>`}
<p><button type="submit">Review the change…</button> <a href="${context.base}settings#${name}">Cancel</a></p>
</form>`,
  };
}

/**
 * The setting a confirm or change form names, the text given for it, and the edit form again with a
 * problem shown next to that text (both steps re-show it when the value is refused).
 */
function formSetting(context: SettingsPageContext, form: URLSearchParams) {
  const name = form.get('name') ?? '';
  const text = form.get('value') ?? '';
  return {
    name,
    text,
    definition: settingDefinition(name),
    withProblem: (error: string) => editSettingView(context, name, { text, error }),
  };
}

/** Validates the value (zod) and asks for confirmation, or shows the edit form with the problem. */
export async function confirmSettingView(
  context: SettingsPageContext,
  form: URLSearchParams,
): Promise<SettingsView> {
  const { name, text, definition, withProblem } = formSetting(context, form);
  let value: unknown;
  try {
    value = parseSettingValue(definition, settingValueFromText(definition, text));
  } catch (error) {
    return withProblem((error as Error).message);
  }
  const [current] = await readSettingValues(context.store, context.settings.deployment, [name]);
  const effect =
    definition.effect === 'master-data-scope'
      ? 'Records now in scope are queued for sync; records now out of scope stay in Procurify as they are and are listed.'
      : definition.effect === 'resend-parked-bills'
        ? 'The bill settings are checked against NetSuite; bills parked for review are sent again.'
        : definition.effect === 'resend-parked-departments'
          ? 'Departments parked for their location are sent again.'
          : 'New activity follows it.';
  return {
    title: `Change ${name}?`,
    status: 200,
    body: html`<form method="post" action="${context.base}actions/settings">
<input type="hidden" name="csrf" value="${context.csrf}"><input type="hidden" name="name" value="${name}"><input type="hidden" name="value" value="${text}">
<dl><dt>From</dt><dd><code>${shown(current?.value) || 'none'}</code></dd><dt>To</dt><dd><code>${shown(value) || 'none'}</code></dd></dl>
<p>${effect} The change is recorded with your name.</p>
<p><button type="submit">Change</button> <a href="${context.base}settings#${name}">Cancel</a></p>
</form>`,
  };
}

/** Makes the change; a refusal (NetSuite, Procurify, validation) shows the edit form with the problem. */
export async function changeSettingView(
  context: SettingsPageContext,
  form: URLSearchParams,
  user: string,
): Promise<SettingsView> {
  const { name, text, definition, withProblem } = formSetting(context, form);
  const dependencies = context.settings.dependencies;
  if (dependencies === undefined) {
    return {
      title: 'Read-only',
      status: 405,
      body: html`<p>This console cannot change settings: use <code>npx apsync settings set ${name} …</code>.</p>`,
    };
  }
  let result: ChangeSettingsResult;
  try {
    result = await changeSettings({ [name]: settingValueFromText(definition, text) }, await dependencies(), {
      user,
      via: 'console',
    });
  } catch (error) {
    if (error instanceof SyncError && error.errorClass === 'data') {
      return withProblem(error.message);
    }
    throw error;
  }
  return {
    title: 'Settings',
    status: 303,
    body: html``,
    redirect: `settings?notice=${encodeURIComponent(summary(name, result))}`,
  };
}

/** What the change did, in one line for the page's notice. */
export function summary(name: string, result: ChangeSettingsResult): string {
  if (result.changed.length === 0) return `${name} already had that value: nothing changed.`;
  const parts = [`${name} changed to ${shown(result.changed[0]?.value) || 'none'}.`];
  if (result.resentBills > 0) parts.push(`${result.resentBills} parked bill(s) sent again.`);
  if (result.resentDepartments > 0)
    parts.push(`${result.resentDepartments} parked department(s) sent again.`);
  const reevaluation = result.reevaluation;
  if (reevaluation !== undefined) {
    parts.push(`${reevaluation.queued.length} record(s) now in scope queued for sync.`);
    parts.push(
      reevaluation.outOfScope.length === 0
        ? 'No record left the scope.'
        : `Now out of scope, left as they are in Procurify: ${reevaluation.outOfScope
            .map(
              (record) =>
                `${record.kind}:${record.id}${record.procurifyId === undefined ? '' : ` (Procurify ${record.procurifyId})`}`,
            )
            .join(', ')}.`,
    );
  }
  return parts.join(' ');
}

// The console's settings page over HTTP against a local stack (issue 15 §1, issue 13 §2): every setting
// of the catalog with its meaning and value; a change is an edit form, a confirmation showing old and
// new value, then the change — each POST refused without the CSRF token; a bad value or one NetSuite
// does not have is shown next to the field and nothing is stored; a change is recorded with the console
// user and applies (the subsidiary scope change lists the records now out of scope).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalConsole, startLocalConsole } from '../../infra/local/console.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { settingsCatalog } from '../../shared/settings/catalog.ts';
import { readHistory, readSettingValues } from '../../shared/settings/settings-store.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let consoleApp: LocalConsole;
let state: DynamoStateStore;
let cookie = '';
let usSubsidiary = '';
let caSubsidiary = '';
let currencyId = '';

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  consoleApp = await startLocalConsole(stack, { user: 'clerk (apsync console)' });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  stack.procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
  currencyId =
    stack.netsuite.seed({ records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] } })
      .created.currency?.[0] ?? '';
  [usSubsidiary = '', caSubsidiary = ''] =
    stack.netsuite.seed({
      records: {
        subsidiary: [
          { name: 'US Company', currency: { id: currencyId } },
          { name: 'Canada Company', currency: { id: currencyId } },
        ],
      },
    }).created.subsidiary ?? [];
  const login = await post('login', { token: consoleApp.token });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});

afterAll(async () => {
  await consoleApp?.close();
  await stack?.stop();
});

function request(path: string, init: RequestInit = {}) {
  return fetch(new URL(path, consoleApp.url), {
    redirect: 'manual',
    ...init,
    headers: { ...(cookie === '' ? {} : { cookie }), ...(init.headers as Record<string, string>) },
  });
}

function post(path: string, form: Record<string, string>) {
  return request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
const decode = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

describe('console settings page', () => {
  it('shows every setting with its meaning, value and where it comes from', async () => {
    const page = await request('settings');
    expect(page.status).toBe(200);
    const text = decode(await page.text());
    for (const setting of settingsCatalog) {
      expect(text).toContain(`<tr id="${setting.name}"><td><code>${setting.name}</code></td>`);
      expect(text).toContain(setting.meaning);
    }
    expect(text).toContain('href="/settings/edit?name=netsuite.subsidiaries"');
    expect(text).toContain('cdk.json <code>paymentMode</code>');
  });

  it('shows a bad value next to the field and stores nothing; every POST needs the CSRF token', async () => {
    const edit = await request('settings/edit?name=netsuite.subsidiaries');
    expect(edit.status).toBe(200);
    const form = await edit.text();
    expect(form).toContain('<label for="value">New value <input id="value" name="value" value=""');
    const csrf = csrfOf(form);
    expect(csrf).not.toBe('');

    const forged = await post('settings/confirm', { name: 'netsuite.subsidiaries', value: usSubsidiary });
    expect(forged.status).toBe(403);
    const forgedChange = await post('actions/settings', {
      name: 'netsuite.subsidiaries',
      value: usSubsidiary,
    });
    expect(forgedChange.status).toBe(403);

    const bad = await post('settings/confirm', { name: 'netsuite.subsidiaries', value: 'US', csrf });
    expect(bad.status).toBe(400);
    const badPage = decode(await bad.text());
    expect(badPage).toContain('value="US" size="50" aria-invalid="true" aria-describedby="value-error"');
    expect(badPage).toMatch(
      /<p class="notice error" id="value-error" role="alert">netsuite.subsidiaries: "US" is not a valid value \(0: must be NetSuite subsidiary internal ids/,
    );

    // Valid in shape, but NetSuite has no subsidiary 9999: refused at the change, next to the field.
    const confirm = await post('settings/confirm', { name: 'netsuite.subsidiaries', value: '9999', csrf });
    expect(confirm.status).toBe(200);
    const refused = await post('actions/settings', { name: 'netsuite.subsidiaries', value: '9999', csrf });
    expect(refused.status).toBe(400);
    expect(decode(await refused.text())).toContain(
      'role="alert">nothing was stored: netsuite.subsidiaries: subsidiary 9999 does not exist in NetSuite</p>',
    );
    expect(await readHistory(state)).toEqual([]);
  });

  it('changes a value after its confirmation, recorded with the console user, and applies it', async () => {
    const vendor = stack.netsuite.userCreate('vendor', {
      subsidiary: { id: caSubsidiary },
      currency: { id: currencyId },
      companyName: 'Maple Parts',
    }).id;
    expect(
      (await settledState(stack, state, { system: 'netsuite', kind: 'vendor', id: vendor }))?.status,
    ).toBe('synced');
    const link = await state.findBySource('netsuite', 'vendor', vendor);

    const csrf = csrfOf(await (await request('settings/edit?name=netsuite.subsidiaries')).text());
    const confirm = await post('settings/confirm', {
      name: 'netsuite.subsidiaries',
      value: usSubsidiary,
      csrf,
    });
    expect(confirm.status).toBe(200);
    const confirmPage = decode(await confirm.text());
    expect(confirmPage).toContain('<h1>Change netsuite.subsidiaries?</h1>');
    expect(confirmPage).toContain(
      `<dt>From</dt><dd><code>[]</code></dd><dt>To</dt><dd><code>["${usSubsidiary}"]</code></dd>`,
    );
    // The confirmation page stored nothing.
    expect(await readHistory(state)).toEqual([]);

    const changed = await post('actions/settings', {
      name: 'netsuite.subsidiaries',
      value: usSubsidiary,
      csrf: csrfOf(confirmPage),
    });
    expect(changed.status).toBe(303);
    const location = changed.headers.get('location') ?? '';
    const notice = new URL(location, consoleApp.url).searchParams.get('notice');
    expect(notice).toBe(
      `netsuite.subsidiaries changed to ["${usSubsidiary}"]. 0 record(s) now in scope queued for sync. Now out of scope, left as they are in Procurify: vendor:${vendor} (Procurify ${link?.procurifyId}).`,
    );
    const [value] = await readSettingValues(state, { defaultPaymentMode: 'push', settings: {} }, [
      'netsuite.subsidiaries',
    ]);
    expect(value).toMatchObject({
      value: [usSubsidiary],
      source: 'operator',
      changedBy: 'clerk (apsync console)',
    });
    expect((await readHistory(state))[0]).toMatchObject({
      name: 'netsuite.subsidiaries',
      by: 'clerk (apsync console)',
      via: 'console',
    });
    const page = decode(await (await request(location)).text());
    expect(page).toContain(`role="status">${notice}</p>`);
    expect(page).toContain(
      '<td>clerk (apsync console) (console)</td><td><code>netsuite.subsidiaries</code></td>',
    );
  });
});

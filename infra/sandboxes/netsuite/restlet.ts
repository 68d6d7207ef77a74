// The attachment RESTlet of the NetSuite sandbox: `infra/netsuite-script/apsync_attach_rl.js` itself, run on
// the sandbox's account (suitescript.ts gives it the N/* modules), so the sandbox accepts exactly what the
// script accepts. `POST /app/site/hosting/restlet.nl?script=customscript_apsync_attach&deploy=
// customdeploy_apsync_attach` (the account's RESTlet host) with a bearer token whose scope includes
// `restlets`; the script's header says what it takes and answers. Errors of the platform itself come as
// NetSuite answers a RESTlet call: HTTP 4xx `{"error": {"code", "message"}}` (the shape commonly observed;
// not in Oracle's text). Called by the sandbox router (server.ts).
import type { NetSuiteSandboxCore } from './core.ts';
import { attachRestletOn, SuiteScriptError } from './suitescript.ts';

export { ATTACH_RESTLET_PATH as RESTLET_PATH } from '../../contracts/facts/apsync-restlet.ts';
export const ATTACH_SCRIPT_ID = 'customscript_apsync_attach';
export const ATTACH_DEPLOY_ID = 'customdeploy_apsync_attach';

/** A RESTlet-level failure: HTTP status and NetSuite's `{"error": {code, message}}` body. */
export class RestletError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  body(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message } };
  }
}

export const restletErrors = {
  invalidLogin: () => new RestletError(401, 'INVALID_LOGIN_ATTEMPT', 'Invalid login attempt.'),
  // The text NetSuite gives for an unknown or undeployed script/deploy id (commonly observed).
  noSuchScript: () =>
    new RestletError(
      400,
      'SSS_INVALID_SCRIPTLET_ID',
      'That Suitelet is invalid, disabled, or no longer exists.',
    ),
};

/**
 * Runs the script's POST entry point on the sandbox's account (suitescript.ts). An error the script lets
 * through is answered as NetSuite answers an unhandled RESTlet error: HTTP 400 with its name as the code.
 * The sandbox's own failures (an Error of this realm that is not a SuiteScriptError) stay failures of
 * the sandbox (500), never a NetSuite refusal.
 */
export function runAttachRestlet(core: NetSuiteSandboxCore, request: unknown): unknown {
  try {
    return attachRestletOn(core).post(request);
  } catch (error) {
    if (error instanceof Error && !(error instanceof SuiteScriptError)) throw error;
    // Errors of the script's own realm (node:vm) are not this realm's Error: read their name and message.
    if (typeof error !== 'object' || error === null || !('name' in error)) throw error;
    const { name, message } = error as { name: unknown; message?: unknown };
    throw new RestletError(400, String(name), String(message ?? ''));
  }
}

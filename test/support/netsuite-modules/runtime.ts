// Fake of SuiteScript's N/runtime for tests that load the NetSuite scripts: account id, execution
// context, current user/role and the script's deployment parameters, all settable by the test.
export const ContextType = Object.freeze({
  USER_INTERFACE: 'USERINTERFACE',
  REST_WEBSERVICES: 'RESTWEBSERVICES',
  WEBSERVICES: 'WEBSERVICES',
  RESTLET: 'RESTLET',
  SUITELET: 'SUITELET',
  CSV_IMPORT: 'CSVIMPORT',
  SCHEDULED: 'SCHEDULED',
  MAP_REDUCE: 'MAPREDUCE',
  WORKFLOW: 'WORKFLOW',
  USEREVENT: 'USEREVENT',
});

export interface RuntimeState {
  accountId: string;
  executionContext: string;
  user: { id: number; role: number };
  /** Script parameters by id; unset ones read as null, as in NetSuite. */
  parameters: Record<string, string | number | null>;
}

export function createFakeRuntime(state: RuntimeState) {
  return {
    ContextType,
    get accountId(): string {
      return state.accountId;
    },
    get executionContext(): string {
      return state.executionContext;
    },
    getCurrentUser() {
      return { id: state.user.id, role: state.user.role };
    },
    getCurrentScript() {
      return {
        id: 'customscript_apsync_record_event_ue',
        getParameter(options: { name: string }): string | number | null {
          return state.parameters[options.name] ?? null;
        },
      };
    },
  };
}

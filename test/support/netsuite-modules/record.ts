// Fake of the N/record Record objects a user event receives as context.newRecord / context.oldRecord.
export interface FakeRecordInit {
  type: string;
  id: number | string | null;
  /** Body field values by field id; `lastmodifieddate` is a Date, as NetSuite returns datetime fields. */
  values?: Record<string, unknown>;
}

export function fakeRecord(init: FakeRecordInit) {
  const values = init.values ?? {};
  return {
    type: init.type,
    id: init.id,
    getValue(options: { fieldId: string }): unknown {
      // An unset field reads as null (e.g. an inline edit carries only the edited fields).
      return options.fieldId in values ? values[options.fieldId] : null;
    },
  };
}
